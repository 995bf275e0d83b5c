"""Long lists page: 500 and 501 rows are all reachable, the pager says how many there are,
and nothing stops silently at a fixed number of rows."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from tests.unit.hr.helpers import make_plan, positions
from trainer.clock import local_today
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.models import Certificate, Department, QuizAttempt, User, UserRole, utcnow
from trainer.paging import PAGE_SIZE, page_number, page_of_list


@pytest.mark.parametrize("count", [0, 1, 199, 200, 201, 500, 501])
def test_every_item_is_on_exactly_one_page(count):
    items = list(range(count))
    first = page_of_list(items, 1)
    seen = []
    for number in range(1, first.pages + 1):
        page = page_of_list(items, number)
        assert page.total == count
        seen.extend(page.items)
    assert seen == items
    assert first.pages == {0: 1, 1: 1, 199: 1, 200: 1, 201: 2, 500: 3, 501: 3}[count]


def test_the_last_page_of_501_rows_shows_rows_401_to_501():
    page = page_of_list(list(range(501)), 3)
    assert (page.first, page.last, len(page.items), page.has_next) == (401, 501, 101, False)
    # A page past the end (the list shrank) shows the last one, not an empty page.
    assert page_of_list(list(range(501)), 9).number == 3
    assert PAGE_SIZE == 200


@pytest.mark.parametrize("value", [None, "", "abc", "0", "-3", "1e3", "99999999999"])
def test_a_page_number_that_is_not_one_is_page_one(value):
    assert page_number(value) == 1


def add_people(count: int, department: Department, position_id: int) -> list[int]:
    """Many people at once, without a password each (these tests only list them)."""
    people = [
        User(
            employee_no=f"P{number:05d}",
            display_name=f"员工{number}",
            department_id=department.id,
            position_id=position_id,
            hire_date=local_today() - timedelta(days=400),
        )
        for number in range(1, count + 1)
    ]
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all(UserRole(user_id=person.id, role="learner") for person in people)
    db.session.commit()
    return [person.id for person in people]


def walk(client, url: str, pattern: str) -> tuple[list[str], list[str]]:
    """Follow the pager's "next" links from the first page; every match on every page, and
    the total each pager announced."""
    found, totals = [], []
    while url:
        page = client.get(url).get_data(as_text=True)
        found.extend(re.findall(pattern, page))
        totals.extend(re.findall(r'data-testid="pager" data-total="(\d+)"', page))
        following = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = following.group(1).replace("&amp;", "&") if following else None
    return found, totals


@pytest.fixture
def shop(app, users, synced):
    positions()
    return db.session.scalar(sa.select(Department).where(Department.name == "上海一店"))


@pytest.mark.parametrize("count", [500, 501])
def test_every_overdue_and_onboarding_person_is_reachable(client, signed_in, users, shop, count):
    found = positions()
    add_people(count, shop, found["sales-associate"].id)
    plan = make_plan(
        users["hr"],
        year=local_today().year,
        kind="onboarding",
        items=[("basics", "fixed", local_today() - timedelta(days=1))],
        targets=[("position", found["sales-associate"])],
        today=local_today() - timedelta(days=2),
    )
    plans.sync_plan(users["hr"], plan, local_today() - timedelta(days=2))
    signed_in("hr")
    people, totals = walk(client, "/hr/reports/overdue", r'data-employee="(P\d+)"')
    assert sorted(people) == [f"P{n:05d}" for n in range(1, count + 1)]
    assert set(totals) == {str(count)}
    # The filters travel with the pages.
    people, _totals = walk(
        client, f"/hr/reports/overdue?department={shop.id}", r'data-employee="(P\d+)"'
    )
    assert len(people) == count
    people, totals = walk(client, "/hr/reports/onboarding", r'data-employee="(P\d+)"')
    assert sorted(people) == [f"P{n:05d}" for n in range(1, count + 1)]
    assert set(totals) == {str(count)}


@pytest.mark.parametrize("count", [500, 501])
def test_every_certificate_is_reachable(client, signed_in, shop, count):
    found = positions()
    ids = add_people(count, shop, found["sales-associate"].id)
    record, version = live_course("basics")
    expires = datetime.combine(local_today() + timedelta(days=30), time(12))
    db.session.add_all(
        Certificate(
            serial=f"TRN-T-{n:06d}",
            code=f"paging{n:026d}",
            kind="course",
            achievement=f"course:{record.id}:{n}",
            user_id=user_id,
            holder_name=f"员工{n}",
            course_id=record.id,
            version_id=version.id,
            title=version.title,
            issued_at=utcnow() - timedelta(days=300),
            expires_at=expires,
            pdf=b"",
            pdf_sha256="",
        )
        for n, user_id in enumerate(ids, start=1)
    )
    db.session.commit()
    signed_in("hr")
    expected = sorted(f"TRN-T-{n:06d}" for n in range(1, count + 1))
    serials, totals = walk(client, "/certificates/manage", r">(TRN-T-\d+)</a>")
    assert sorted(serials) == expected and set(totals) == {str(count)}
    serials, totals = walk(client, "/hr/reports/expiring", r'data-serial="(TRN-T-\d+)"')
    assert sorted(serials) == expected and set(totals) == {str(count)}


@pytest.mark.parametrize("count", [500, 501])
def test_every_exam_attempt_is_reachable(client, signed_in, users, shop, count):
    record, version = live_course("basics")
    start = utcnow() - timedelta(days=10)
    db.session.add_all(
        QuizAttempt(
            user_id=users["learner"].id,
            course_id=record.id,
            version_id=version.id,
            round_number=1,
            attempt_number=n,
            started_at=start + timedelta(minutes=n),
            draw=[],
        )
        for n in range(1, count + 1)
    )
    db.session.commit()
    signed_in("trainer")
    rows, totals = walk(client, "/quiz/basics/attempts", r"<td>1-(\d+)</td>")
    assert sorted(int(n) for n in rows) == list(range(1, count + 1))
    assert set(totals) == {str(count)}
