"""trainer.progress: the many-people answer is the one-person answer, whatever the history."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import recorded_statements
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.models import (
    Appeal,
    Assessment,
    AssessmentCorrection,
    Certificate,
    LessonProgress,
    QuizAttempt,
    QuizExtraAttempt,
    QuizResult,
    User,
    utcnow,
)
from trainer.progress import PrerequisiteState, rules, standing_of, standings

LEARNERS = ("learner", "trainer", "hr")  # the assessor assesses them all
SLUGS = ("basics", "store-service")
HISTORY_TABLES = (
    AssessmentCorrection,
    Appeal,
    Assessment,
    Certificate,
    QuizResult,
    QuizAttempt,
    QuizExtraAttempt,
    LessonProgress,
)

day = st.integers(min_value=0, max_value=420)  # days after the start of the history
attempt = st.fixed_dictionaries(
    {
        "day": day,
        "outcome": st.sampled_from(["passed", "failed", "open"]),
        "new_round": st.booleans(),
        "grant": st.booleans(),
    }
)
assessment = st.fixed_dictionaries(
    {
        "day": day,
        "kind": st.sampled_from(["practical", "attitude"]),
        "passed": st.booleans(),
        "appeal": st.sampled_from([None, "open", "upheld", "overturned"]),
    }
)
certificate = st.fixed_dictionaries(
    {
        "day": day,
        "months": st.sampled_from([None, 1, 3, 12, 24]),
        "revoked_after": st.one_of(st.none(), st.integers(min_value=0, max_value=200)),
    }
)
course_history = st.fixed_dictionaries(
    {
        "lessons": st.dictionaries(st.integers(min_value=1, max_value=3), day, max_size=3),
        "attempts": st.lists(attempt, max_size=5),
        "grants": st.integers(min_value=0, max_value=2),
        "assessments": st.lists(assessment, max_size=4),
        "certificates": st.lists(certificate, max_size=3),
    }
)
histories = st.lists(
    st.lists(course_history, min_size=2, max_size=2), min_size=len(LEARNERS), max_size=len(LEARNERS)
)


def _clear_history() -> None:
    for model in HISTORY_TABLES:
        db.session.execute(sa.delete(model))
    db.session.commit()


def _write(person: User, assessor: User, slug: str, history: dict, start, serials) -> None:
    record, version = live_course(slug)
    lesson_numbers = {lesson.number for lesson in version.lessons}
    for number, offset in history["lessons"].items():
        if number in lesson_numbers:
            db.session.add(
                LessonProgress(
                    user_id=person.id,
                    version_id=version.id,
                    lesson_number=number,
                    read_at=start + timedelta(days=offset),
                )
            )
    grants = []
    for _ in range(history["grants"] + sum(a["grant"] for a in history["attempts"])):
        grant = QuizExtraAttempt(user_id=person.id, course_id=record.id, reason="停电")
        db.session.add(grant)
        grants.append(grant)
    db.session.flush()
    round_number, in_round = 1, 0
    for item in sorted(history["attempts"], key=lambda a: a["day"]):
        if item["new_round"] and in_round:
            round_number, in_round = round_number + 1, 0
        in_round += 1
        at = start + timedelta(days=item["day"])
        row = QuizAttempt(
            user_id=person.id,
            course_id=record.id,
            version_id=version.id,
            round_number=round_number,
            attempt_number=in_round,
            started_at=at,
            draw=[],
            extra_grant_id=grants.pop().id if item["grant"] else None,
        )
        db.session.add(row)
        db.session.flush()
        if item["outcome"] != "open":
            passed = item["outcome"] == "passed"
            db.session.add(
                QuizResult(
                    attempt_id=row.id,
                    graded_at=at + timedelta(minutes=20),
                    closed_by="learner",
                    points=1,
                    max_points=1,
                    percent=100.0 if passed else 10.0,
                    passed=passed,
                    per_question=[],
                )
            )
    for item in history["assessments"]:
        at = start + timedelta(days=item["day"])
        row = Assessment(
            learner_id=person.id,
            assessor_id=assessor.id,
            course_id=record.id,
            version_id=version.id,
            kind=item["kind"],
            mode="observed",
            place="门店",
            observed_on=at.date(),
            status="submitted",
            submitted_at=at,
            points=10 if item["passed"] else 2,
            max_points=10,
            pass_mark=8,
            passed=item["passed"],
            critical_failed=False,
        )
        db.session.add(row)
        db.session.flush()
        if item["appeal"] is not None:
            appeal = Appeal(
                assessment_id=row.id, appellant_id=person.id, reason="看不到", status=item["appeal"]
            )
            db.session.add(appeal)
            db.session.flush()
            if item["appeal"] == "overturned":
                db.session.add(
                    AssessmentCorrection(
                        assessment_id=row.id,
                        appeal_id=appeal.id,
                        passed=not item["passed"],
                        reason="录像",
                    )
                )
    for cycle, item in enumerate(history["certificates"], start=1):
        issued = start + timedelta(days=item["day"])
        revoked = (
            issued + timedelta(days=item["revoked_after"])
            if item["revoked_after"] is not None
            else None
        )
        serials.append(len(serials) + 1)
        db.session.add(
            Certificate(
                serial=f"TRN-T-{serials[-1]:06d}",
                code=f"{serials[-1]:020d}",
                kind="course",
                achievement=f"course:{record.id}:{cycle}",
                user_id=person.id,
                holder_name=person.display_name,
                course_id=record.id,
                version_id=version.id,
                title=version.title,
                issued_at=issued,
                expires_at=issued + timedelta(days=30 * item["months"]) if item["months"] else None,
                revoked_at=revoked,
                pdf=b"",
                pdf_sha256="",
            )
        )
    db.session.commit()


@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(generated=histories)
def test_many_people_at_once_get_exactly_the_one_person_answer(app, users, synced, generated):
    _clear_history()
    now = utcnow()
    start = now - timedelta(days=400)
    serials: list[int] = []
    people = [users[role] for role in LEARNERS]
    for person, courses in zip(people, generated, strict=True):
        for slug, history in zip(SLUGS, courses, strict=True):
            _write(person, users["assessor"], slug, history, start, serials)
    course_ids = [live_course(slug)[0].id for slug in SLUGS]
    everyone = [person.id for person in people] + [users["admin"].id]  # admin: no history
    by_list = standings(everyone, now=now)
    by_select = standings(sa.select(User.id), course_ids, now=now)
    for user_id in everyone:
        for course_id in course_ids:
            one = standing_of(user_id, course_id, now)
            assert by_list[(user_id, course_id)] == one
            assert by_select[(user_id, course_id)] == one
    # No history at all: the same as working it out afresh; store-service's exam still waits
    # for its prerequisite, basics, which the admin has not passed.
    waits_for = {"basics": (), "store-service": ("basics",)}
    for slug, course_id in zip(SLUGS, course_ids, strict=True):
        missing = tuple(
            PrerequisiteState(live_course(name)[0].id, name, live_course(name)[1].title)
            for name in waits_for[slug]
        )
        course = by_list.courses[course_id]
        fresh = rules.standing(users["admin"].id, course, rules.EMPTY, now, missing)
        assert by_list[(users["admin"].id, course_id)] == fresh


def test_many_people_cost_the_same_queries_as_one(app, users, synced):
    people = [user.id for user in users.values()]
    course_id = live_course("basics")[0].id
    with recorded_statements() as one:
        standing_of(people[0], course_id)
    with recorded_statements() as many:
        found = standings(people)
        for user_id in people:
            for course_id in found.courses:
                found[(user_id, course_id)]
    # Courses, their lessons, certificates, attempts, grants, lessons read, assessments
    # (and the settings of certified versions, when anyone holds a certificate).
    assert len(many) == len(one) == 7
