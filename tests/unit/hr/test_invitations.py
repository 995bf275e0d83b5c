"""Invitations: one action by HR gives everyone in a group who has never signed in one
one-time link, e-mailed where there is an address and printed as a QR code per department."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.unit.certificates.conftest import require_poppler
from tests.unit.hr.invitation_helpers import (
    OTHER_STORE,
    STORE,
    TILL_TEAM,
    mark_signed_in,
    new_hire,
    open_invitations,
    pdf_pages_text,
    qr_codes_in,
)
from trainer.auth import resets
from trainer.extensions import db
from trainer.hr.invitations import service
from trainer.models import AuditEvent, Department, InvitationBatch, User


def department(path: str) -> Department:
    return db.session.scalar(sa.select(Department).where(Department.name == path.split("/")[-1]))


@pytest.fixture
def staff(app, users):
    """The role accounts (all signed in before) and new hires in, under and outside the store."""
    mark_signed_in(*users.values())
    hires = {
        "N1": new_hire("N1", "新人甲"),  # no e-mail: the printed sheet only
        "N2": new_hire("N2", "新人乙", TILL_TEAM, email="n2@example.com"),
        "N3": new_hire("N3", "北京新人", OTHER_STORE, email="n3@example.com"),
        "OLD": new_hire("OLD", "老员工", email="old@example.com"),
        "HR2": new_hire("HR2", "新来的人事", roles={"hr", "learner"}),
        "GONE": new_hire("GONE", "已离职"),
    }
    mark_signed_in(hires["OLD"])
    hires["GONE"].active = False
    db.session.commit()
    return hires


def invite(actor: User, **group) -> InvitationBatch:
    """HR's one action; the job runs at once (tests run jobs where they are enqueued)."""
    selection = service.group_selection(group.get("department_id"), group.get("hired_since"))
    batch = service.request_invitations(actor, selection)
    db.session.expire_all()
    return db.session.get(InvitationBatch, batch.id)


def test_a_department_invites_each_never_signed_in_person_in_scope_once(users, staff):
    batch = invite(users["hr"], department_id=department(STORE).id)
    # N1 in the store, N2 in its till team. Not: the Beijing hire (other department), OLD
    # (signed in before), HR2 (HR may not manage HR), GONE (deactivated), the role accounts.
    assert open_invitations() == {"N1": 1, "N2": 1}
    assert (batch.status, batch.invited) == ("done", 2)

    invite(users["hr"], department_id=department(STORE).id)  # pressed again
    assert open_invitations() == {"N1": 1, "N2": 1}  # the first ones no longer work


def test_an_administrator_may_invite_hr_staff(users, staff):
    invite(users["admin"], department_id=department(STORE).id)
    assert open_invitations() == {"N1": 1, "N2": 1, "HR2": 1}


@pytest.mark.parametrize(
    ("hired_since", "invited"),
    [
        (date(2026, 11, 1), {"N1": 1, "N2": 1, "N3": 1}),  # hired on that very day: in
        (date(2026, 11, 2), {}),  # the day after: nobody
    ],
)
def test_hired_since_a_date_includes_that_day(users, staff, hired_since, invited):
    invite(users["hr"], hired_since=hired_since)
    assert open_invitations() == invited


def test_a_group_must_be_chosen(users, staff):
    with pytest.raises(service.SelectionError) as raised:
        service.group_selection(None, None)
    assert raised.value.code == "choose-group"
    with pytest.raises(service.SelectionError):
        service.group_selection(987654, None)


def test_creating_and_using_an_invitation_is_audited(app, users, staff):
    invite(users["hr"], department_id=department(STORE).id)
    invited = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "person.invited")
    ).all()
    assert sorted((e.actor_id, e.details["person"]) for e in invited) == [
        (users["hr"].id, "N1"),
        (users["hr"].id, "N2"),
    ]
    [(person, secret)] = resets.start_invitations(users["hr"], [staff["N1"]], timedelta(days=14))
    db.session.commit()
    resets.complete_with_link(secret, "a-new-password-1", purpose="invitation")
    [used] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "person.invitation_used")
    ).all()
    assert (used.actor_id, used.subject_id) == (person.id, person.id)
    assert db.session.get(User, person.id).last_signed_in_at is not None


def test_an_invitation_works_once(app, users, staff):
    [(person, secret)] = resets.start_invitations(users["hr"], [staff["N1"]], timedelta(days=14))
    db.session.commit()
    resets.complete_with_link(secret, "a-new-password-1", purpose="invitation")
    assert resets.find_open_link(secret, purpose="invitation") is None
    assert resets.why_link_closed(secret, purpose="invitation") == "used"
    with pytest.raises(resets.AuthError):
        resets.complete_with_link(secret, "another-password-2", purpose="invitation")
    assert db.session.get(User, person.id).check_password("a-new-password-1")


def test_an_invitation_expires_at_its_limit(app, users, staff):
    [(_person, secret)] = resets.start_invitations(users["hr"], [staff["N1"]], timedelta(days=14))
    db.session.commit()
    [invitation] = db.session.scalars(
        sa.select(resets.PasswordReset).where(resets.PasswordReset.purpose == "invitation")
    ).all()
    limit = invitation.expires_at
    assert resets.find_open_link(secret, limit - timedelta(seconds=1), "invitation") is not None
    assert resets.find_open_link(secret, limit, "invitation") is None
    assert resets.why_link_closed(secret, limit, "invitation") == "expired"


def test_an_invitation_is_no_reset_link_and_the_reverse(app, users, staff):
    [(_person, secret)] = resets.start_invitations(users["hr"], [staff["N1"]], timedelta(days=14))
    db.session.commit()
    assert resets.find_open_link(secret) is None  # the reset page does not take it
    assert resets.find_open_link(secret, purpose="invitation") is not None


def test_signing_in_another_way_voids_open_invitations(app, users, staff):
    resets.start_invitations(users["hr"], [staff["N1"]], timedelta(days=14))
    db.session.commit()
    resets.note_sign_in(staff["N1"])
    assert open_invitations() == {}
    assert resets.take_reset_notice(staff["N1"]) is None  # no "HR reset your password" note


def test_the_job_emails_only_people_with_an_address(app, users, staff, smtp_server):
    inbox, settings = smtp_server
    app.config.update(SMTP_HOST=settings.host, SMTP_PORT=settings.port, MAIL_FROM=settings.sender)
    batch = invite(users["hr"], department_id=department(STORE).id)
    assert [to for to, _message in inbox.messages] == [["n2@example.com"]]
    [(_to, message)] = inbox.messages
    body = message.get_payload(decode=True).decode("utf-8")
    assert f"{app.config['BASE_URL']}/auth/invitation/" in body
    assert (batch.emailed, batch.mail_failed) == (1, 0)


def test_without_a_mail_server_nobody_is_emailed_and_everyone_is_printed(
    app, users, staff, tmp_path
):
    require_poppler()
    batch = invite(users["hr"], department_id=department(STORE).id)
    assert (batch.invited, batch.emailed) == (2, 0)
    assert "N2" in "".join(pdf_pages_text(service.sheets_of(batch), tmp_path))


def test_the_sheets_have_one_page_per_department_with_names_numbers_and_working_codes(
    app, client, users, staff, tmp_path
):
    require_poppler()
    batch = invite(users["hr"], department_id=department(STORE).id)
    pdf = service.sheets_of(batch)
    pages = pdf_pages_text(pdf, tmp_path)
    assert len(pages) == 2  # 上海一店 and its till team
    assert "上海一店" in pages[0] and "新人甲" in pages[0] and "N1" in pages[0]
    assert "收银组" in pages[1] and "新人乙" in pages[1] and "N2" in pages[1]
    assert "北京新人" not in "".join(pages) and "老员工" not in "".join(pages)

    codes = qr_codes_in(pdf, tmp_path)
    assert len(codes) == 2
    prefix = f"{app.config['BASE_URL']}/auth/invitation/"
    assert all(code.startswith(prefix) for code in codes)
    page = client.get(codes[0].removeprefix(app.config["BASE_URL"]))
    assert page.status_code == 200
    assert 'name="new_password"' in page.get_data(as_text=True)
    assert "新人甲" in page.get_data(as_text=True)


def test_a_department_running_onto_a_second_page_names_it_there_too(app, users, tmp_path):
    """Ten cards do not fit on one A4 page: the page they run onto says whose page it is
    (pages get separated when they are handed out); the first page has its heading only."""
    require_poppler()
    mark_signed_in(*users.values())
    for number in range(1, 11):
        new_hire(f"N{number:02}", f"新人{number:02}")
    batch = invite(users["hr"], department_id=department(STORE).id)
    first, second = pdf_pages_text(service.sheets_of(batch), tmp_path)
    assert "N01" in first and "N10" in second
    assert second.lstrip().startswith(f"{STORE}（续）continued")
    assert first.lstrip().startswith(STORE) and "（续）" not in first


def test_invitations_for_an_import_reach_the_people_of_its_file(app, users, tmp_path):
    from tests.unit.hr.helpers import positions, staff_file
    from trainer.hr.staff import importer

    positions()
    mark_signed_in(*users.values())
    batch = importer.create_batch(staff_file("two-stores-utf8-bom.csv"), "staff.csv", users["hr"])
    importer.request_apply(batch)
    db.session.refresh(batch)
    assert batch.applied_at is not None
    mark_signed_in(db.session.scalar(sa.select(User).where(User.employee_no == "E1001")))
    invitations = service.request_invitations(
        users["hr"], service.import_selection(batch, users["hr"])
    )
    db.session.refresh(invitations)
    numbers = set(open_invitations())
    assert "E1001" not in numbers and {"E1002", "E1003", "E2001"} <= numbers
    assert invitations.invited == len(numbers)


def test_a_mail_server_that_is_down_still_gives_everyone_a_printed_code(app, users, staff):
    from tests.unit.hr.smtp import free_port

    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())  # nobody listens there
    batch = invite(users["hr"], department_id=department(STORE).id)
    assert (batch.status, batch.invited, batch.emailed, batch.mail_failed) == ("done", 2, 0, 1)
    assert open_invitations() == {"N1": 1, "N2": 1}
