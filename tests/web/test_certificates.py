"""Certificates through the browser's eyes: download, public verification, revocation, ZIP,
career map and level certificates."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import approve_promotions, sign_in
from tests.unit.certificates.conftest import pass_quiz
from trainer.extensions import db
from trainer.models import Certificate, User, utcnow


@pytest.fixture
def certificate(app, users, synced) -> Certificate:
    pass_quiz(users["learner"])
    return db.session.scalar(sa.select(Certificate))


def test_holder_downloads_the_same_bytes_every_time(client, certificate):
    sign_in(client, "L0001")
    first = client.get(f"/certificates/{certificate.id}.pdf")
    second = client.get(f"/certificates/{certificate.id}.pdf")
    assert first.mimetype == "application/pdf"
    assert first.data == second.data == certificate.pdf
    import hashlib

    assert hashlib.sha256(first.data).hexdigest() == certificate.pdf_sha256


def test_someone_elses_certificate_is_refused(client, certificate):
    sign_in(client, "T0001")
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 403
    assert "你没有权限访问此页面" in response.get_data(as_text=True)


def test_hr_can_download_anyones(client, certificate):
    sign_in(client, "H0001")
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 200


def test_my_certificates_page(client, certificate):
    sign_in(client, "L0001")
    page = client.get("/certificates/").get_data(as_text=True)
    assert certificate.serial in page and "新员工入门" in page and "有效" in page


def test_verify_page_is_public_and_shows_only_what_it_should(client, certificate):
    response = client.get(f"/verify/{certificate.code_display}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "有效" in page and "学员小张" in page and "新员工入门" in page
    assert "示例服务集团" in page and certificate.serial in page
    assert "L0001" not in page  # nothing else about the person
    assert "测试公司" not in page


def test_verify_accepts_a_typed_code_in_any_form(client, certificate):
    typed = certificate.code_display.lower().replace("-", " ")
    response = client.post("/verify", data={"code": typed})
    assert response.headers["Location"] == f"/verify/{certificate.code}"


def test_malformed_and_unknown_codes_are_explained(client, certificate):
    response = client.post("/verify", data={"code": "12345"})
    assert response.status_code == 400
    assert "不是有效的验证码" in response.get_data(as_text=True)
    unknown = client.get("/verify/AAAA-BBBB-CCCC-DDDD-EEEE")
    assert unknown.status_code == 404
    assert "没有这个验证码对应的证书" in unknown.get_data(as_text=True)


def test_verify_is_rate_limited(app, client, certificate):
    app.config["VERIFY_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.get("/verify/AAAA-BBBB-CCCC-DDDD-EEEE").status_code == 404
    limited = client.get(f"/verify/{certificate.code}")
    assert limited.status_code == 429
    assert "尝试次数过多" in limited.get_data(as_text=True)


def test_expired_certificate_shows_expired(client, certificate):
    certificate.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "已过期" in page and "过期于" in page


def test_hr_revokes_with_a_reason_and_the_verify_page_shows_it_at_once(client, certificate):
    sign_in(client, "H0001")
    missing = client.post(
        f"/certificates/{certificate.id}/revoke", data={"reason": ""}, follow_redirects=True
    )
    assert "请写明撤销证书的原因" in missing.get_data(as_text=True)
    db.session.refresh(certificate)
    assert certificate.revoked_at is None
    client.post(f"/certificates/{certificate.id}/revoke", data={"reason": "泄露顾客信息"})
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "已撤销" in page and "撤销于" in page
    assert "泄露顾客信息" not in page  # the reason stays internal


def test_holder_can_still_download_a_revoked_certificate_marked_revoked(client, certificate, users):
    from trainer.certificates.service import revoke

    revoke(certificate, users["hr"], "违规")
    sign_in(client, "L0001")
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 200 and response.data != certificate.pdf


def test_a_revoked_certificate_keeps_the_statement_of_its_course(
    client, certificate, users, tmp_path
):
    """Issue 21: the re-rendered PDF claimed a practical assessment the course never had."""
    from tests.unit.certificates.conftest import pdf_text
    from trainer.certificates.service import revoke

    original = pdf_text(certificate.pdf, tmp_path)
    assert "实际操作考核" not in original  # the basics course has only an exam
    revoke(certificate, users["hr"], "违规")
    sign_in(client, "L0001")
    revoked = pdf_text(client.get(f"/certificates/{certificate.id}.pdf").data, tmp_path)
    assert "通过理论知识考试" in revoked and "实际操作考核" not in revoked


def test_learner_cannot_revoke(client, certificate):
    sign_in(client, "L0001")
    assert (
        client.post(f"/certificates/{certificate.id}/revoke", data={"reason": "x"}).status_code
        == 403
    )


def test_hr_downloads_a_departments_certificates_as_zip(client, certificate, users):
    sign_in(client, "H0001")
    department_id = users["learner"].department.parent.parent.id  # the company: all below it
    page = client.post(
        "/certificates/department.zip", data={"department": department_id}, follow_redirects=True
    ).get_data(as_text=True)
    assert "1 份证书" in page  # built at once here (jobs run immediately in the tests)
    response = client.get("/certificates/zips/1.zip")
    assert response.headers["Content-Disposition"].endswith(f'"certificates-{department_id}.zip"')
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    [name] = archive.namelist()
    assert name.startswith(certificate.serial) and name.endswith(".pdf")
    assert archive.read(name) == certificate.pdf


def test_expiring_filter(client, certificate):
    sign_in(client, "H0001")
    assert certificate.serial not in client.get("/certificates/manage?expiring=60").get_data(
        as_text=True
    )
    certificate.expires_at = utcnow() + timedelta(days=20)
    db.session.commit()
    assert certificate.serial in client.get("/certificates/manage?expiring=60").get_data(
        as_text=True
    )


def test_learning_map_moves_and_a_level_certificate_appears(client, users, synced, paths_dir):
    sign_in(client, "L0001")
    page = client.get("/career").get_data(as_text=True)
    assert "专业技术通道" in page and "初级服务专员" in page
    assert "已取得 0 / 1 门要求的课程证书" in page
    pass_quiz(users["learner"])
    page = client.get("/career").get_data(as_text=True)
    assert "具备晋升资格" in page and "已达到" not in page  # eligible: HR decides
    assert db.session.scalar(sa.select(Certificate).where(Certificate.kind == "level")) is None
    approve_promotions(users["learner"], users["hr"])
    level = db.session.scalar(sa.select(Certificate).where(Certificate.kind == "level"))
    assert level is not None and level.title == "初级服务专员"
    page = client.get("/career").get_data(as_text=True)
    assert 'data-level="junior"' in page and "已达到" in page
    assert "中级服务专员" in page and "门店售中服务" in page  # the missing course, linked


def test_content_check_reports_path_mistakes(app, synced, paths_dir):
    (paths_dir / "broken.md").write_text(
        "---\ntitle: 管理通道\ntrack: management\nlevels:\n"
        "  - id: lead\n    title: 领班\n    after: boss\n    requires: [no-such-course]\n"
        "  - id: boss\n    title: 主管\n    after: lead\n    requires: [basics]\n---\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["trainer", "content", "check"])
    assert result.exit_code == 1
    assert "paths/broken.md:8:" in result.output and "no-such-course" in result.output
    assert "绕成了一个圈" in result.output


def test_expiring_report_lists_and_exports_certificates_due_for_renewal(client, certificate):
    sign_in(client, "H0001")
    page = client.get("/hr/reports/expiring").get_data(as_text=True)
    assert certificate.serial not in page  # valid for 24 months: not expiring soon
    certificate.expires_at = utcnow() + timedelta(days=30)
    db.session.commit()
    page = client.get("/hr/reports/expiring").get_data(as_text=True)
    assert f'data-serial="{certificate.serial}"' in page and "学员小张" in page
    status_url = client.post("/hr/reports/expiring.csv").headers["Location"]
    csv = client.get(f"{status_url}/file").get_data(as_text=True)  # built at once in tests
    assert certificate.serial in csv and "L0001" in csv


def test_holder_is_reminded_once_when_recertification_opens(app, certificate):
    from trainer.hr.reminders.service import queue
    from trainer.models import OutboxMessage

    today = utcnow().date()
    queue(today, 7)
    assert (
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == "certificate_expiring")
        ).all()
        == []
    )  # not yet in the window
    certificate.expires_at = utcnow() + timedelta(days=30)  # inside the 60-day window
    db.session.commit()
    queue(today, 7)
    queue(today, 7)  # a second run adds nothing
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "certificate_expiring")
    ).all()
    assert len(messages) == 1
    assert messages[0].recipient_id == certificate.user_id
    from flask_babel import force_locale

    from trainer.notifications import notifications_of

    with force_locale("zh_Hans_CN"):
        (shown,) = [
            shown
            for shown in notifications_of(messages[0].recipient)
            if shown.kind == "certificate_expiring"
        ]
    assert "新员工入门" in shown.title and certificate.serial in shown.body


def test_hr_sees_who_is_ready_for_which_level(client, users, synced, paths_dir):
    sign_in(client, "H0001")
    page = client.get("/career/readiness").get_data(as_text=True)
    # Every test user lacks exactly one course (basics) for the first level: all are close.
    assert "学员小张" in page and "初级服务专员" in page and "basics" in page
    pass_quiz(users["learner"])  # eligible for 初级: ready, until HR approves
    page = client.get("/career/readiness").get_data(as_text=True)
    assert "学员小张" in page and "已满足" in page
    approve_promotions(users["learner"], users["hr"])  # 中级 needs 6 months in 初级 first
    page = client.get("/career/readiness").get_data(as_text=True)
    assert "学员小张" not in page and "培训师老王" in page
    assert client.get("/certificates/manage").get_data(as_text=True).count("/career/readiness")


def test_a_level_of_ones_own_position_asks_hr_to_set_the_position(client, users, synced):
    from trainer.hr.people.service import ensure_position

    folder = Path(client.application.config["CONTENT_DIR"]) / "paths"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "specialist.md").write_text(
        "---\ntitle: 专业技术通道\ntrack: specialist\n"
        "position_courses:\n  sales-associate: [store-service]\nlevels:\n"
        "  - id: junior\n    title: 初级服务专员\n    requires: [basics]\n"
        "    own_position_courses: true\n---\n介绍。\n",
        encoding="utf-8",
    )
    sign_in(client, "L0001")
    page = client.get("/career").get_data(as_text=True)
    assert "请联系人事部门设置你的岗位" in page

    learner = db.session.get(User, users["learner"].id)
    learner.position = ensure_position("sales-associate", "导购")
    db.session.commit()
    page = client.get("/career").get_data(as_text=True)
    assert "请联系人事部门设置你的岗位" not in page
    assert "已取得 0 / 2 门要求的课程证书" in page and "门店售中服务" in page


def test_hr_decision_without_a_reason_or_a_button_changes_nothing(client, users, synced, paths_dir):
    from trainer.models import LevelPromotion

    pass_quiz(users["learner"])
    [promotion] = db.session.scalars(sa.select(LevelPromotion)).all()
    sign_in(client, "H0001")
    page = client.get("/career/promotions").get_data(as_text=True)
    assert 'data-employee="L0001"' in page and "初级服务专员" in page

    no_reason = client.post(
        f"/career/promotions/{promotion.id}", data={"reason": " ", "approve": "批准晋升"}
    )
    no_button = client.post(f"/career/promotions/{promotion.id}", data={"reason": "业绩达标"})
    page = client.get("/career/promotions").get_data(as_text=True)

    assert no_reason.status_code == no_button.status_code == 302
    assert "请写明审批理由" in page and "请选择批准还是不批准" in page
    db.session.expire_all()
    assert db.session.get(LevelPromotion, promotion.id).status == "eligible"
    assert db.session.scalar(sa.select(Certificate).where(Certificate.kind == "level")) is None
    assert 'data-employee="L0001"' in page


def test_learner_cannot_see_or_decide_promotions(client, users, synced, paths_dir):
    from trainer.models import LevelPromotion

    pass_quiz(users["learner"])
    [promotion] = db.session.scalars(sa.select(LevelPromotion)).all()
    sign_in(client, "L0001")

    assert client.get("/career/promotions").status_code == 403
    response = client.post(
        f"/career/promotions/{promotion.id}", data={"reason": "我自己批准", "approve": "批准晋升"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(LevelPromotion, promotion.id).status == "eligible"
