"""HR approves one promotion and declines another, in real Chromium: an eligible person
appears on HR's list, HR approves with a reason, the person's learning map shows the level
and the level certificate is issued by the job; a decline records its reason and issues
nothing."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.unit.certificates.conftest import pass_quiz
from trainer.extensions import db
from trainer.models import AuditEvent, Certificate, LevelPromotion, User

pytestmark = pytest.mark.browser


def _user(employee_no: str) -> User:
    return db.session.scalar(sa.select(User).where(User.employee_no == employee_no))


def test_hr_approves_one_promotion_and_declines_another(
    app, phone, desktop, live_server, demo, synced, paths_dir
):
    # Both passed the junior level's course: eligible, not promoted.
    pass_quiz(_user("demo-learner"))
    pass_quiz(_user("S1001"))
    db.session.commit()

    sign_in(phone, live_server, "demo-learner", demo)
    phone.goto(f"{live_server}/career")
    expect(phone.locator('[data-level="junior"]')).to_contain_text("等待人事部门批准晋升")

    hr = desktop
    sign_in(hr, live_server, "demo-hr", demo)
    hr.goto(f"{live_server}/certificates/manage")
    hr.get_by_role("link", name="待审批的晋升").click()
    learner_card = hr.locator('[data-employee="demo-learner"]')
    expect(learner_card).to_contain_text("初级服务专员")
    expect(hr.locator('[data-employee="S1001"]')).to_contain_text("王芳")

    learner_card.get_by_label("审批理由").fill("连续三个月顾客满意度第一，带新人认真")
    learner_card.get_by_role("button", name="批准晋升").click()
    expect(hr.get_by_text("已批准 演示新员工 的晋升")).to_be_visible()
    expect(hr.locator('[data-employee="demo-learner"]')).to_have_count(0)

    other = hr.locator('[data-employee="S1001"]')
    other.get_by_label("审批理由").fill("近三个月有两次顾客投诉，暂缓晋升")
    other.get_by_role("button", name="不批准").click()
    expect(hr.get_by_text("已记录：不批准 王芳 的晋升")).to_be_visible()
    expect(hr.get_by_text("目前没有待审批的晋升。")).to_be_visible()

    # The approved person's map shows the level, and the job issued its certificate.
    phone.goto(f"{live_server}/career")
    expect(phone.locator('[data-level="junior"]')).to_contain_text("已达到")
    phone.goto(f"{live_server}/certificates/")
    expect(phone.locator("section.certificate").filter(has_text="初级服务专员")).to_be_visible()

    db.session.commit()
    levels = db.session.execute(
        sa.select(User.employee_no, Certificate.level_id)
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.kind == "level")
    ).all()
    assert levels == [("demo-learner", "junior")]  # nothing for the declined one
    declined = db.session.scalar(
        sa.select(LevelPromotion).where(LevelPromotion.user_id == _user("S1001").id)
    )
    assert (declined.status, declined.reason) == ("declined", "近三个月有两次顾客投诉，暂缓晋升")
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.subject_type == "level_promotion")
    ).all()
    assert sorted(actions) == [
        "promotion.approved",
        "promotion.declined",
        "promotion.eligible",
        "promotion.eligible",
    ]

    # The declined person sees the decision and its reason on their own map.
    declined_page = desktop.context.browser.new_context(locale="zh-CN").new_page()
    sign_in(declined_page, live_server, "S1001", demo)
    declined_page.goto(f"{live_server}/career")
    expect(declined_page.locator('[data-level="junior"]')).to_contain_text(
        "晋升未获批准：近三个月有两次顾客投诉，暂缓晋升"
    )
    declined_page.context.close()
