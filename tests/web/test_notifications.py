"""People are told what happened when it happens: each event writes one notification for the
right person (none for anyone else), the bell counts it, opening it (a POST) marks it read
and leads to the page it is about, and the e-mail goes out from the job queue."""

from email.header import decode_header, make_header

import pytest
import sqlalchemy as sa

from tests.conftest import make_user, recorded_statements, sign_in
from tests.unit.assessments.assessment_helpers import (
    ALL_MAX,
    CRITICAL_FAILED,
    STORE,
    department,
    set_up_people,
    submitted,
)
from tests.unit.certificates.conftest import pass_quiz
from tests.unit.hr.smtp import parts_of, running_smtp_server
from trainer.assessments import appeals, assignments
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.models import OutboxMessage
from trainer.quizzes import service as quizzes

WINDOW = 14  # days to appeal, as configured by default


@pytest.fixture
def people(users, synced):
    return set_up_people(users)


def notified() -> list[tuple[str, int]]:
    """(kind, recipient id) of every notification, oldest first."""
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(OutboxMessage.kind, OutboxMessage.recipient_id).order_by(OutboxMessage.id)
        )
    ]


def bell(client) -> str | None:
    """The count on the bell of the home page, or None when there is none."""
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="bell"' in page
    marker = 'data-testid="bell-count">'
    if marker not in page:
        return None
    return page.split(marker, 1)[1].split("<", 1)[0]


def open_latest(client, recipient) -> str:
    """Press the newest notification on the notifications page; the page it leads to."""
    newest = db.session.scalar(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.recipient_id == recipient.id)
        .order_by(OutboxMessage.id.desc())
    )
    response = client.post(f"/notifications/{newest}/open")
    assert response.status_code == 302
    return response.headers["Location"]


def failed_result(people):
    return submitted(people["assessor"], people["learner"], CRITICAL_FAILED)


# --- each event: one notification, for the right person --------------------------------------


def test_a_result_tells_the_learner_and_the_link_opens_it(client, people):
    learner = people["learner"]
    assessment = submitted(people["assessor"], learner, ALL_MAX)
    assert notified() == [("assessment_result", learner.id)]
    sign_in(client, learner.employee_no)
    assert bell(client) == "1"
    page = client.get("/notifications/").get_data(as_text=True)
    assert "你的门店售中服务实际操作考核结果已出" in page and "结果：通过。" in page
    location = open_latest(client, learner)
    assert location == f"/assessments/{assessment.id}"
    assert client.get(location).status_code == 200
    assert bell(client) is None


def test_an_appeal_tells_the_hr_who_manage_the_learner_and_nobody_else(client, people):
    hr_elsewhere = make_user(
        "H0002", "人事小周", {"hr"}, department_path="测试公司/华北区/北京一店"
    )
    gone = make_user("H0003", "离职人事", {"hr"}, department_path=STORE)
    gone.active = False
    db.session.commit()
    assessment = failed_result(people)
    before = notified()
    appeals.lodge_appeal(assessment, people["learner"], "打分时顾客很多。", WINDOW)
    new = notified()[len(before) :]
    assert sorted(new) == sorted(
        [("appeal_lodged", people["hr"].id), ("appeal_lodged", hr_elsewhere.id)]
    )
    sign_in(client, people["hr"].employee_no)
    assert bell(client) == "1"
    location = open_latest(client, people["hr"])
    assert location == f"/assessments/{assessment.id}"
    page = client.get(location)
    assert page.status_code == 200 and "打分时顾客很多。" in page.get_data(as_text=True)
    assert bell(client) is None


def test_an_appeal_by_an_hr_person_is_told_to_no_hr(people):
    """HR may not manage HR (trainer.auth.authority), so an HR person's appeal reaches no HR
    colleague."""
    colleague = make_user("H0002", "人事小周", {"hr", "learner"}, department_path=STORE)
    assessment = submitted(people["assessor"], people["hr"], CRITICAL_FAILED)
    before = notified()
    appeals.lodge_appeal(assessment, people["hr"], "理由", WINDOW)
    assert notified()[len(before) :] == []
    assert colleague.id not in {recipient for _kind, recipient in notified()}


@pytest.mark.parametrize(
    ("overturn", "says"),
    [(True, "你的申诉已被采纳：结果改为通过。"), (False, "你的申诉未被采纳：原结果维持不变。")],
)
def test_a_decision_tells_the_learner(client, people, overturn, says):
    learner = people["learner"]
    appeal = appeals.lodge_appeal(failed_result(people), learner, "理由", WINDOW)
    before = notified()
    appeals.decide_appeal(appeal, people["hr"], overturn, "复核后的结论")
    assert notified()[len(before) :] == [("appeal_decided", learner.id)]
    sign_in(client, learner.employee_no)
    assert says in client.get("/notifications/").get_data(as_text=True)
    location = open_latest(client, learner)
    assert location == f"/assessments/{appeal.assessment_id}"
    assert client.get(location).status_code == 200


def test_an_extra_attempt_tells_the_learner(client, people):
    learner = people["learner"]
    record, _version = live_course("basics")
    quizzes.grant_extra_attempt(people["trainer"], learner, record, "考试时停电")
    assert notified() == [("extra_attempt", learner.id)]
    sign_in(client, learner.employee_no)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "培训师老王 为你增加了一次考试机会" in page
    location = open_latest(client, learner)
    assert location == "/courses/basics"
    assert client.get(location).status_code == 200


def test_an_assignment_tells_the_assessor(client, people):
    assessor = people["second_assessor"]
    other_store = department("测试公司/华北区/北京一店")
    assignments.assign(people["hr"], assessor, other_store)
    assert notified() == [("assessor_assigned", assessor.id)]
    sign_in(client, assessor.employee_no)
    assert "你现在负责考核 测试公司/华北区/北京一店 的员工" in client.get(
        "/notifications/"
    ).get_data(as_text=True)
    location = open_latest(client, assessor)
    assert location == "/assessments/"
    assert client.get(location).status_code == 200


def test_a_certificate_tells_its_holder(client, people):
    learner = people["learner"]
    pass_quiz(learner, "basics")  # basics needs only the exam: the job issues the certificate
    assert notified() == [("certificate_issued", learner.id)]
    sign_in(client, learner.employee_no)
    assert "你的“新员工入门”证书已颁发" in client.get("/notifications/").get_data(as_text=True)
    location = open_latest(client, learner)
    assert location == "/certificates/"
    assert client.get(location).status_code == 200


# --- reading -------------------------------------------------------------------------------


def test_the_page_lists_newest_first_and_the_bell_counts_down(client, people):
    learner = people["learner"]
    submitted(people["assessor"], learner, {"patient": 0}, kind="attitude")
    record, _version = live_course("basics")
    quizzes.grant_extra_attempt(people["trainer"], learner, record, "补考")
    sign_in(client, learner.employee_no)
    assert bell(client) == "2"
    page = client.get("/notifications/").get_data(as_text=True)
    assert "2 条未读通知" in page
    assert page.index("额外考试机会") < page.index("工作态度评价结果已出")
    open_latest(client, learner)
    assert bell(client) == "1"
    assert "1 条未读通知" in client.get("/notifications/").get_data(as_text=True)


def test_nobody_opens_someone_elses_notification(client, people):
    submitted(people["assessor"], people["learner"], ALL_MAX)
    (message_id,) = db.session.scalars(sa.select(OutboxMessage.id)).all()
    sign_in(client, people["trainer"].employee_no)
    assert client.post(f"/notifications/{message_id}/open").status_code == 404
    assert client.post("/notifications/999999/open").status_code == 404
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).read_at is None


def test_english_readers_read_english_with_plural_forms(client, people):
    learner = people["learner"]
    learner.locale = "en"
    db.session.commit()
    submitted(people["assessor"], learner, ALL_MAX)
    sign_in(client, learner.employee_no)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Your practical assessment result for 门店售中服务 is ready" in page
    assert "1 unread notification " in page
    assert "1 unread notifications" not in page
    record, _version = live_course("basics")
    quizzes.grant_extra_attempt(people["trainer"], learner, record, "停电")
    assert "2 unread notifications" in client.get("/notifications/").get_data(as_text=True)


# --- the transaction: the event and its notification, or neither ----------------------------


def test_a_decision_that_fails_leaves_no_notification_and_sends_nothing(people, monkeypatch, smtp):
    learner = people["learner"]
    learner.email = "learner@example.com"
    db.session.commit()
    appeal = appeals.lodge_appeal(failed_result(people), learner, "理由", WINDOW)
    before, mails_before = notified(), len(smtp.messages)  # the result's e-mail went out

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(appeals, "record_progress", broken)
    with pytest.raises(RuntimeError):
        appeals.decide_appeal(appeal, people["hr"], True, "推翻")
    assert notified() == before
    assert len(smtp.messages) == mails_before == 1
    db.session.expire_all()
    assert appeal.status == "open"


# --- e-mail --------------------------------------------------------------------------------


@pytest.fixture
def smtp(app):
    with running_smtp_server() as (inbox, settings):
        app.config.update(
            SMTP_HOST=settings.host, SMTP_PORT=settings.port, MAIL_FROM=settings.sender
        )
        yield inbox


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_the_job_sends_the_email_at_once_in_the_readers_language(app, people, smtp):
    learner = people["learner"]
    learner.email, learner.locale = "xiaozhang@example.com", "en"
    db.session.commit()
    assessment = submitted(people["assessor"], learner, ALL_MAX)
    ((to, message),) = smtp.messages
    assert to == ["xiaozhang@example.com"]
    assert subject_of(message) == (
        "[Trainer] Your practical assessment result for 门店售中服务 is ready"
    )
    parts = parts_of(message)
    assert set(parts) == {"text/plain", "text/html"}
    assert f"{app.config['BASE_URL']}/assessments/{assessment.id}" in parts["text/plain"]
    assert f'href="{app.config["BASE_URL"]}/assessments/{assessment.id}"' in parts["text/html"]
    row = db.session.scalar(sa.select(OutboxMessage))
    assert row.email_state == "sent"


def test_no_address_no_email(people, smtp):
    submitted(people["assessor"], people["learner"], ALL_MAX)  # the learner has no e-mail
    assert smtp.messages == []
    row = db.session.scalar(sa.select(OutboxMessage))
    assert (row.kind, row.email_state) == ("assessment_result", "no_email")


def test_hr_get_the_appeal_by_email_in_chinese(people, smtp):
    people["hr"].email = "hr@example.com"
    db.session.commit()
    appeals.lodge_appeal(failed_result(people), people["learner"], "理由", WINDOW)
    subjects = {tuple(to): subject_of(m) for to, m in smtp.messages}
    assert subjects == {("hr@example.com",): "[Trainer] 学员小张 提出新的申诉：门店售中服务"}


def test_the_bell_costs_one_query_per_page(client, people):
    submitted(people["assessor"], people["learner"], ALL_MAX)
    sign_in(client, people["learner"].employee_no)
    with recorded_statements() as statements:
        assert bell(client) == "1"
    assert len([sql for sql in statements if "outbox_messages" in sql]) == 1


def test_the_error_page_does_not_count_when_the_database_failed(app, client, people):
    """A 500 caused by the database still shows its page: the bell asks nothing more."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/database-down-for-test")
    def database_down():
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("the server is gone"))

    database_down.access = "signed-in"
    sign_in(client, people["learner"].employee_no)
    with recorded_statements() as statements:
        response = client.get("/database-down-for-test")
    assert response.status_code == 500
    assert "系统出现了问题" in response.get_data(as_text=True)
    assert not [sql for sql in statements if "outbox_messages" in sql]
