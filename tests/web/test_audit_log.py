"""The audit log people can read: one sentence per event, with links, filters and exports."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl import load_workbook

from tests.conftest import make_user, sign_in
from trainer.audit.sentences import RENDERERS, sentence_for
from trainer.audit.service import directory_for
from trainer.extensions import db
from trainer.models import AuditEvent, Certificate, LevelPromotion, SkillPlan

LEARNER_LINK = 'href="/training/people/L0001"'
ASSESSOR_LINK = 'href="/training/people/A0001"'


@pytest.fixture
def world(users, synced):
    plan = SkillPlan(name="2026 新员工计划", year=2026, starts_on=date(2026, 1, 1))
    certificate = Certificate(
        serial="TRN-2026-000007",
        code="verifycode7",
        kind="course",
        achievement="course:1:1",
        user_id=users["learner"].id,
        holder_name="学员小张",
        title="基础课程",
        pdf=b"",
        pdf_sha256="0" * 64,
    )
    db.session.add_all([plan, certificate])
    db.session.flush()
    promotion = LevelPromotion(user_id=users["learner"].id, level_id="no-such-level")
    db.session.add(promotion)
    db.session.commit()
    return {"plan": plan.id, "certificate": certificate.id, "promotion": promotion.id}


def event(users, action, subject_type, subject_id, actor="admin", at=None, **details):
    found = AuditEvent(
        actor_id=users[actor].id if actor else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
        at=at or datetime(2026, 12, 1, 2, 0),
    )
    db.session.add(found)
    db.session.commit()
    return found


LEARNER = {"person": "L0001", "person_name": "学员小张"}
ASSESSED = {"learner": "L0001", "learner_name": "学员小张", "course": "basics", "kind": "practical"}

# kind -> (subject, details, English sentence, Chinese sentence, a link the sentence holds).
# The actor is 管理员老赵 unless the subject says None; {plan}/{certificate}/{promotion} are
# the world's ids.
CASES = {
    "account.locked": (
        ("user", None),
        {**LEARNER, "failures": 5},
        "Sign-in to the account of 学员小张 was blocked after 5 wrong passwords.",
        "学员小张 的账号因连续 5 次密码错误被暂时锁定。",
        LEARNER_LINK,
    ),
    "person.invited": (
        ("user", "learner"),
        {**LEARNER, "email": True},
        "管理员老赵 sent 学员小张 a sign-in invitation by e-mail.",
        "管理员老赵 通过邮件向 学员小张 发送了登录邀请。",
        LEARNER_LINK,
    ),
    "person.invitation_used": (
        ("user", "learner"),
        LEARNER,
        "学员小张 used an invitation and chose a password.",
        "学员小张 使用邀请设置了密码。",
        LEARNER_LINK,
    ),
    "person.password_reset": (
        ("user", "learner"),
        {**LEARNER, "kind": "code"},
        "管理员老赵 gave 学员小张 a one-time password reset code.",
        "管理员老赵 为 学员小张 生成了一次性密码重置码。",
        LEARNER_LINK,
    ),
    "person.password_reset_used": (
        ("user", "learner"),
        {**LEARNER, "kind": "code"},
        "学员小张 used a password reset and chose a new password.",
        "学员小张 使用密码重置设置了新密码。",
        LEARNER_LINK,
    ),
    "person.deactivated": (
        ("user", "learner"),
        LEARNER,
        "管理员老赵 deactivated the account of 学员小张.",
        "管理员老赵 停用了 学员小张 的账号。",
        LEARNER_LINK,
    ),
    "person.reactivated": (
        ("user", "learner"),
        {**LEARNER, "source": "staff.xlsx", "row": 7},
        "管理员老赵 reactivated the account of 学员小张. From the staff import staff.xlsx, row 7.",
        "管理员老赵 重新启用了 学员小张 的账号。来自员工导入 staff.xlsx 第 7 行。",
        LEARNER_LINK,
    ),
    "person.roles_changed": (
        ("user", "learner"),
        {**LEARNER, "old": ["learner"], "new": ["assessor", "learner"]},
        "管理员老赵 changed the roles of 学员小张 from Learner to Assessor, Learner.",
        "管理员老赵 将 学员小张 的角色从 学员 改为 考核员、学员。",
        LEARNER_LINK,
    ),
    "person.created": (
        ("user", "learner"),
        {**LEARNER, "roles": ["learner"]},
        "管理员老赵 added 学员小张 with the roles Learner.",
        "管理员老赵 添加了 学员小张，角色为 学员。",
        LEARNER_LINK,
    ),
    "person.updated": (
        ("user", "learner"),
        {**LEARNER, "changes": {"email": ["a@x.cn", "b@x.cn"], "hire_date": [None, "2026-01-02"]}},
        "管理员老赵 changed the e-mail, hire date of 学员小张.",
        "管理员老赵 修改了 学员小张 的邮箱、入职日期。",
        LEARNER_LINK,
    ),
    "quiz.extra_attempt_granted": (
        ("user", "learner"),
        {"course": "basics", "reason": "门店停电", "grant_id": 1},
        "管理员老赵 granted 学员小张 an extra exam attempt on {course}. Reason: 门店停电",
        "管理员老赵 给予 学员小张 一次 {course} 的额外考试机会。原因：门店停电",
        LEARNER_LINK,
    ),
    "assessment.started": (
        ("assessment", None),
        {**ASSESSED, "mode": "observed"},
        "管理员老赵 started a practical assessment of 学员小张 on {course}.",
        "管理员老赵 开始了 学员小张 在 {course} 上的实际操作考核。",
        LEARNER_LINK,
    ),
    "assessment.submitted": (
        ("assessment", None),
        {**ASSESSED, "percent": 62.5, "passed": False},
        "管理员老赵 scored the practical assessment of 学员小张 on {course}: 62.5%, not passed.",
        "管理员老赵 评定了 学员小张 在 {course} 上的实际操作考核：62.5%，未通过。",
        LEARNER_LINK,
    ),
    "appeal.lodged": (
        ("appeal", None),
        {**ASSESSED, "reason": "评分有误"},
        "学员小张 appealed the result of the practical assessment on {course}. Reason: 评分有误",
        "学员小张 对 {course} 的实际操作考核结果提出申诉。原因：评分有误",
        LEARNER_LINK,
    ),
    "appeal.upheld": (
        ("appeal", None),
        {**ASSESSED, "reason": "评分无误"},
        "管理员老赵 upheld the appeal of 学员小张 on {course}: the result stands. Reason: 评分无误",
        "管理员老赵 维持了 学员小张 在 {course} 上的原结果（申诉未获支持）。原因：评分无误",
        LEARNER_LINK,
    ),
    "appeal.overturned": (
        ("appeal", None),
        {**ASSESSED, "reason": "漏看一项"},
        "管理员老赵 overturned the result of 学员小张 on {course} on appeal. Reason: 漏看一项",
        "管理员老赵 根据申诉改判了 学员小张 在 {course} 上的结果。原因：漏看一项",
        LEARNER_LINK,
    ),
    "assessor.assigned": (
        ("assessor_assignment", None),
        {"assessor": "A0001", "assessor_name": "考核员小李", "department": "测试公司/华东区"},
        "管理员老赵 made 考核员小李 an assessor for 测试公司/华东区.",
        "管理员老赵 指定 考核员小李 为 测试公司/华东区 的考核员。",
        ASSESSOR_LINK,
    ),
    "assessor.unassigned": (
        ("assessor_assignment", None),
        {"assessor": "A0001", "assessor_name": "考核员小李", "department": "测试公司/华东区"},
        "管理员老赵 took 测试公司/华东区 away from the assessor 考核员小李.",
        "管理员老赵 取消了考核员 考核员小李 对 测试公司/华东区 的考核职责。",
        ASSESSOR_LINK,
    ),
    "certificate.issued": (
        ("certificate", "{certificate}"),
        {"serial": "TRN-2026-000007", "user": "L0001", "title": "基础课程"},
        "学员小张 was awarded the certificate TRN-2026-000007: 基础课程.",
        "学员小张 获得了证书 TRN-2026-000007：基础课程。",
        'href="/verify/verifycode7"',
    ),
    "certificate.revoked": (
        # Recorded before the holder was stored in the event: the certificate names them.
        ("certificate", "{certificate}"),
        {"serial": "TRN-2026-000007", "reason": "作弊"},
        "管理员老赵 revoked the certificate TRN-2026-000007 of 学员小张. Reason: 作弊",
        "管理员老赵 撤销了 学员小张 的证书 TRN-2026-000007。原因：作弊",
        LEARNER_LINK,
    ),
    "promotion.eligible": (
        ("level_promotion", "{promotion}"),
        {"user": "L0001", "level": "no-such-level"},
        "学员小张 became eligible for the career level no-such-level.",
        "学员小张 已符合晋升职级 no-such-level 的条件。",
        LEARNER_LINK,
    ),
    "promotion.approved": (
        ("level_promotion", "{promotion}"),
        {"user": "L0001", "level": "no-such-level"},
        "管理员老赵 approved the promotion of 学员小张 to no-such-level.",
        "管理员老赵 批准了 学员小张 晋升为 no-such-level。",
        LEARNER_LINK,
    ),
    "promotion.declined": (
        ("level_promotion", "{promotion}"),
        {"user": "L0001", "level": "no-such-level", "reason": "再观察"},
        "管理员老赵 declined the promotion of 学员小张 to no-such-level. Reason: 再观察",
        "管理员老赵 未批准 学员小张 晋升为 no-such-level。原因：再观察",
        LEARNER_LINK,
    ),
    "plan.created": (
        ("plan", "{plan}"),
        {"name": "2026 新员工计划"},
        "管理员老赵 created the plan 2026 新员工计划.",
        "管理员老赵 创建了计划 2026 新员工计划。",
        'href="/hr/plans/{plan}"',
    ),
    "plan.archived": (
        ("plan", "{plan}"),
        {"name": "2026 新员工计划"},
        "管理员老赵 archived the plan 2026 新员工计划.",
        "管理员老赵 归档了计划 2026 新员工计划。",
        'href="/hr/plans/{plan}"',
    ),
    "plan.restored": (
        ("plan", "{plan}"),
        {"name": "2026 新员工计划"},
        "管理员老赵 restored the plan 2026 新员工计划.",
        "管理员老赵 恢复了计划 2026 新员工计划。",
        'href="/hr/plans/{plan}"',
    ),
    "plan.item_added": (
        ("plan", "{plan}"),
        {"course": "basics", "mandatory": True},
        "管理员老赵 added the course {course} to the plan 2026 新员工计划.",
        "管理员老赵 将课程 {course} 加入计划 2026 新员工计划。",
        'href="/courses/basics"',
    ),
    "plan.updated": (
        ("plan", "{plan}"),
        {"name": "2026 新员工计划"},
        "管理员老赵 edited the plan 2026 新员工计划.",
        "管理员老赵 编辑了计划 2026 新员工计划。",
        'href="/hr/plans/{plan}"',
    ),
    "plan.item_removed": (
        ("plan", "{plan}"),
        {"course": "basics"},
        "管理员老赵 removed the course {course} from the plan 2026 新员工计划.",
        "管理员老赵 从计划 2026 新员工计划 中移除了课程 {course}。",
        'href="/courses/basics"',
    ),
    "plan.target_added": (
        ("plan", "{plan}"),
        {"kind": "department"},
        "管理员老赵 added a group of people to the plan 2026 新员工计划.",
        "管理员老赵 为计划 2026 新员工计划 添加了一组人员。",
        'href="/hr/plans/{plan}"',
    ),
    "plan.target_removed": (
        ("plan", "{plan}"),
        {"kind": "department"},
        "管理员老赵 removed a group of people from the plan 2026 新员工计划.",
        "管理员老赵 从计划 2026 新员工计划 中移除了一组人员。",
        'href="/hr/plans/{plan}"',
    ),
    "plan.synced": (
        ("plan", "{plan}"),
        {"added": 12, "withdrawn": 1, "restored": 0},
        "管理员老赵 brought the plan 2026 新员工计划 up to date: 12 assignments added, "
        "1 withdrawn, 0 restored.",
        "管理员老赵 更新了计划 2026 新员工计划：新增 12 项分配，撤回 1 项，恢复 0 项。",
        'href="/hr/plans/{plan}"',
    ),
    "department.added": (
        ("department", None),
        {"name": "上海二店", "parent": None},
        "管理员老赵 added the department 上海二店.",
        "管理员老赵 添加了部门 上海二店。",
        'href="/training/people/M0001"',
    ),
    "department.renamed": (
        ("department", None),
        {"old": "上海二店", "new": "上海静安店"},
        "管理员老赵 renamed the department 上海二店 to 上海静安店.",
        "管理员老赵 将部门 上海二店 改名为 上海静安店。",
        'href="/training/people/M0001"',
    ),
    "department.moved": (
        ("department", None),
        {"old_parent": 1, "new_parent": 2},
        "管理员老赵 moved a department to another place in the organisation.",
        "管理员老赵 调整了一个部门在组织架构中的位置。",
        'href="/training/people/M0001"',
    ),
    "department.archived": (
        ("department", None),
        {"name": "上海二店"},
        "管理员老赵 archived the department 上海二店.",
        "管理员老赵 归档了部门 上海二店。",
        'href="/training/people/M0001"',
    ),
    "department.restored": (
        ("department", None),
        {"name": "上海二店"},
        "管理员老赵 restored the department 上海二店.",
        "管理员老赵 恢复了部门 上海二店。",
        'href="/training/people/M0001"',
    ),
    "position.archived": (
        ("position", None),
        {"code": "barista", "name": "咖啡师"},
        "管理员老赵 archived the position 咖啡师.",
        "管理员老赵 归档了岗位 咖啡师。",
        'href="/training/people/M0001"',
    ),
    "position.restored": (
        ("position", None),
        {"code": "barista"},
        "管理员老赵 restored the position barista.",
        "管理员老赵 恢复了岗位 barista。",
        'href="/training/people/M0001"',
    ),
    "position.added": (
        ("position", None),
        {"code": "barista", "name": "咖啡师"},
        "管理员老赵 added the position 咖啡师.",
        "管理员老赵 添加了岗位 咖啡师。",
        'href="/training/people/M0001"',
    ),
    "position.renamed": (
        ("position", None),
        {"old": "咖啡师", "new": "高级咖啡师"},
        "管理员老赵 renamed the position 咖啡师 to 高级咖啡师.",
        "管理员老赵 将岗位 咖啡师 改名为 高级咖啡师。",
        'href="/training/people/M0001"',
    ),
    "position.manages_department": (
        ("position", None),
        {"name": "店长", "manages": True},
        "管理员老赵 marked the position 店长 as managing its department.",
        "管理员老赵 将岗位 店长 标记为负责本部门。",
        'href="/training/people/M0001"',
    ),
    "staff.imported": (
        ("import", None),
        {"source": "staff.xlsx", "create": 30, "update": 2, "deactivate": 1, "reactivate": 0},
        "管理员老赵 imported the staff file staff.xlsx: 30 added, 2 changed, 1 deactivated, "
        "0 reactivated.",
        "管理员老赵 导入了员工文件 staff.xlsx：新增 30 人，修改 2 人，停用 1 人，重新启用 0 人。",
        'href="/training/people/M0001"',
    ),
    "course.version_published": (
        ("course_version", None),
        {"course": "basics", "title": "旧标题", "outcome": "updated"},
        "The system published a new version of the course {course}.",
        "系统 发布了课程 {course} 的新版本。",
        'href="/courses/basics"',
    ),
    "course.draft_started": (
        ("course_draft", None),
        {"course": "basics", "how": "edit"},
        "管理员老赵 started a draft of the course basics.",
        "管理员老赵 为课程 basics 新建了一份草稿。",
        'href="/training/people/M0001"',
    ),
    "course.draft_submitted": (
        ("course_draft", None),
        {"course": "basics", "title": "基础课程", "message": "加了试衣的例子"},
        "管理员老赵 submitted the draft 基础课程 (basics) for review. Message: 加了试衣的例子",
        "管理员老赵 将草稿 基础课程 (basics) 提交审核。说明：加了试衣的例子",
        'href="/training/people/M0001"',
    ),
    "course.draft_sent_back": (
        ("course_draft", None),
        {"course": "basics", "withdrawn": False, "message": "第三步的顺序不对"},
        "管理员老赵 sent the draft basics back for changes: 第三步的顺序不对",
        "管理员老赵 将草稿 basics 退回修改：第三步的顺序不对",
        'href="/training/people/M0001"',
    ),
    "course.draft_commented": (
        ("course_draft", None),
        {"course": "basics"},
        "管理员老赵 commented on the draft basics.",
        "管理员老赵 评论了草稿 basics。",
        'href="/training/people/M0001"',
    ),
    "course.draft_imported": (
        ("course_draft", None),
        {"course": "basics", "files": 6},
        "管理员老赵 replaced the files of the draft basics with an uploaded zip.",
        "管理员老赵 用上传的 zip 文件替换了草稿 basics 的全部文件。",
        'href="/training/people/M0001"',
    ),
    "course.draft_rebased": (
        ("course_draft", None),
        {"course": "basics"},
        "管理员老赵 continued the draft basics on top of the new live version.",
        "管理员老赵 在新的当前版本基础上继续编写草稿 basics。",
        'href="/training/people/M0001"',
    ),
    "course.draft_discarded": (
        ("course_draft", None),
        {"course": "basics", "title": "基础课程"},
        "管理员老赵 discarded the draft 基础课程 (basics).",
        "管理员老赵 放弃了草稿 基础课程 (basics)。",
        'href="/training/people/M0001"',
    ),
    "course.folder_version_declined": (
        ("course", None),
        {"course": "basics"},
        "管理员老赵 kept the version of {course} published in the browser over the content "
        "folder's files.",
        "管理员老赵 保留了课程 {course} 在浏览器中发布的版本，没有采用内容文件夹中的文件。",
        'href="/courses/basics"',
    ),
}
# The system (no actor) does these.
SYSTEM_KINDS = {"account.locked", "certificate.issued", "promotion.eligible"}
SYSTEM_KINDS |= {"course.version_published"}
ACTED_BY_LEARNER = {"appeal.lodged"}


def course_title(slug: str) -> str:
    from trainer.models import CourseRecord, CourseVersion

    return db.session.scalar(
        sa.select(CourseVersion.title)
        .join(CourseRecord, CourseRecord.current_version_id == CourseVersion.id)
        .where(CourseRecord.slug == slug)
    )


def make_case(users, world, kind):
    (subject_type, subject), details, *_ = CASES[kind]
    if subject in ("admin", "learner"):
        subject_id = users[subject].id
    elif isinstance(subject, str):
        subject_id = int(subject.format(**world))
    else:
        subject_id = None
    if kind == "quiz.extra_attempt_granted":
        subject_id = users["learner"].id
    actor = None if kind in SYSTEM_KINDS else "learner" if kind in ACTED_BY_LEARNER else "admin"
    return event(users, kind, subject_type, subject_id, actor=actor, **details)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_kind_is_one_sentence_in_english_and_chinese_with_a_link(app, users, world, kind):
    found = make_case(users, world, kind)
    _subject, _details, english, chinese, link = CASES[kind]
    values = {**world, "course": course_title("basics")}
    with app.test_request_context():
        directory = directory_for([found])
        for locale, expected in (("en", english), ("zh_Hans_CN", chinese)):
            with force_locale(locale):
                sentence = sentence_for(found, directory)
                assert sentence.text() == expected.format(**values)
                html = str(sentence.html())
                assert link.format(**values) in html
                assert "{" not in html and "\\u" not in html


def test_the_table_above_covers_every_sentence():
    assert sorted(set(RENDERERS) - set(CASES)) == []


def test_an_unknown_kind_reads_as_plain_facts_not_json(app, users):
    found = event(users, "shop.opened", "store", 9, name="上海一店", doors=["东", "西"])
    with app.test_request_context(), force_locale("en"):
        text = sentence_for(found, directory_for([found])).text()
    assert text == "管理员老赵: shop.opened, about store 9 (name: 上海一店; doors: 东, 西)."


def second_argument(source: str, start: int) -> str:
    """The text of a call's second argument; ``start`` is just after the opening bracket."""
    depth, quote, arguments, current = 0, None, [], []
    for char in source[start:]:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif char == "," and depth == 0:
            arguments.append("".join(current))
            current = []
            if len(arguments) == 2:
                break
            continue
        current.append(char)
    return arguments[1] if len(arguments) == 2 else ""


def recorded_actions() -> set[str]:
    """Every action string the code records, read from the source the way a reviewer would:
    the second argument of each record(...) and _audit_row(...) call, whatever its form
    ("a.b", "a.b" if x else "c.d", f"appeal.{status}")."""
    root = Path(__file__).resolve().parents[2] / "trainer"
    found: set[str] = set()
    for path in root.rglob("*.py"):
        if path.parts[-2] == "audit":
            continue  # the audit package defines record(); it records nothing itself
        source = path.read_text(encoding="utf-8")
        for call in re.finditer(r"\b(?:record|_audit_row)\(", source):
            argument = second_argument(source, call.end())
            found |= set(re.findall(r"\"([a-z_]+\.[a-z_{}]+)\"", argument))
    # appeal.{status}: the statuses an appeal is decided with.
    if "appeal.{status}" in found:
        found.discard("appeal.{status}")
        found |= {"appeal.upheld", "appeal.overturned"}
    return found


def test_every_recorded_action_has_a_sentence():
    actions = recorded_actions()
    # The scan must see the calls it is meant to check, or it proves nothing.
    assert {"certificate.revoked", "person.deactivated", "account.locked", "plan.archived"} <= (
        actions
    )
    assert {"course.version_published", "person.created", "person.password_reset_used"} <= actions
    assert {"appeal.upheld", "promotion.declined", "plan.synced"} <= actions
    assert sorted(actions - set(RENDERERS)) == []


# --- the page ------------------------------------------------------------------------------


def test_page_shows_sentences_with_links_and_no_raw_json(client, users, world, signed_in):
    make_case(users, world, "certificate.revoked")
    make_case(users, world, "person.roles_changed")
    event(users, "shop.opened", "store", 9, note="含\u00e9字符")
    signed_in("admin")
    page = client.get("/audit/").get_data(as_text=True)
    assert '撤销了 <a href="/training/people/L0001">学员小张</a> 的证书' in page
    assert "考核员、学员" in page
    table = page[page.index('data-testid="audit-log"') :]
    assert "{&#34;" not in table and '{"' not in table and "\\u" not in table


def test_the_old_assessments_address_leads_to_the_one_log(client, users, signed_in):
    signed_in("hr")
    response = client.get("/assessments/audit?learner=L0001")
    assert response.status_code == 302
    assert response.headers["Location"] == "/audit/?person=L0001"


def rows_of(page: str) -> list[str]:
    return re.findall(r'<tr data-action="([a-z_.]+)"', page)


def test_filters_by_person_actor_and_kind(client, users, world, signed_in):
    make_case(users, world, "person.deactivated")  # by admin, about L0001
    event(users, "person.deactivated", "user", users["trainer"].id, actor="hr", person="T0001")
    event(users, "plan.archived", "plan", world["plan"], actor="hr", name="x")
    signed_in("admin")
    about = client.get("/audit/?person=L0001").get_data(as_text=True)
    assert rows_of(about) == ["person.deactivated"] and "学员小张" in about
    by_hr = client.get("/audit/?actor=H0001").get_data(as_text=True)
    assert sorted(rows_of(by_hr)) == ["person.deactivated", "plan.archived"]
    # The person filter also finds what the person did.
    done_by = client.get("/audit/?person=人事小陈").get_data(as_text=True)
    assert sorted(rows_of(done_by)) == ["person.deactivated", "plan.archived"]
    kind = client.get("/audit/?kind=plan.archived").get_data(as_text=True)
    assert rows_of(kind) == ["plan.archived"]
    nobody = client.get("/audit/?actor=nobody").get_data(as_text=True)
    assert rows_of(nobody) == [] and "没有人员符合“nobody”。" in nobody


@pytest.mark.parametrize(
    ("at", "shown"),
    [
        (datetime(2026, 11, 30, 15, 59), False),  # 23:59 on 30 Nov in Shanghai
        (datetime(2026, 11, 30, 16, 0), True),  # 00:00 on 1 Dec
        (datetime(2026, 12, 1, 15, 59), True),  # 23:59 on the last day
        (datetime(2026, 12, 1, 16, 0), False),  # 00:00 the day after
    ],
)
def test_date_range_is_the_companys_days_both_ends_included(client, users, signed_in, at, shown):
    event(users, "plan.archived", "plan", None, at=at, name="x")
    signed_in("admin")
    page = client.get("/audit/?from=2026-12-01&to=2026-12-01").get_data(as_text=True)
    assert rows_of(page) == (["plan.archived"] if shown else [])


def test_a_bad_date_is_explained_not_an_error(client, users, signed_in):
    signed_in("admin")
    response = client.get("/audit/?from=2026-13-01&to=2026-01-01")
    assert response.status_code == 200
    assert "起始日期格式不对" in response.get_data(as_text=True)
    backwards = client.get("/audit/?from=2026-12-02&to=2026-12-01").get_data(as_text=True)
    assert "截止日期早于起始日期" in backwards


def test_pages_of_fifty(client, users, signed_in):
    for number in range(51):
        event(users, "plan.archived", "plan", None, name=f"计划{number}")
    signed_in("admin")
    first = client.get("/audit/").get_data(as_text=True)
    assert len(rows_of(first)) == 50 and "1 / 2" in first
    second = client.get("/audit/?page=2").get_data(as_text=True)
    assert len(rows_of(second)) == 1


def test_hr_sees_events_about_people_hr_manages_not_about_administrators(
    client, users, world, signed_in
):
    make_case(users, world, "person.deactivated")  # about a learner
    event(users, "person.roles_changed", "user", users["admin"].id, actor="admin", old=[], new=[])
    event(users, "plan.archived", "plan", world["plan"], name="x")  # about no one
    signed_in("hr")
    shown = rows_of(client.get("/audit/").get_data(as_text=True))
    assert sorted(set(shown) - {"course.version_published"}) == [
        "person.deactivated",
        "plan.archived",
    ]
    client.post("/auth/logout")
    signed_in("admin")
    everything = rows_of(client.get("/audit/").get_data(as_text=True))
    assert "person.roles_changed" in everything


def test_csv_export_has_chinese_headers_local_times_and_sentences(client, users, world, signed_in):
    make_case(users, world, "certificate.revoked")  # at 02:00 UTC = 10:00 in Shanghai
    event(users, "plan.archived", "plan", world["plan"], name="x", at=datetime(2026, 12, 3))
    signed_in("admin")
    response = client.get("/audit/events.csv?kind=certificate.revoked")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows == [
        ["时间", "操作人", "类型", "事件"],
        [
            "2026-12-01 10:00",
            "管理员老赵",
            "撤销证书",
            "管理员老赵 撤销了 学员小张 的证书 TRN-2026-000007。原因：作弊",
        ],
    ]


def test_xlsx_export_in_english(client, users, world, signed_in):
    make_case(users, world, "person.deactivated")
    signed_in("admin")
    client.post("/language", data={"locale": "en", "next": "/"})
    response = client.get("/audit/events.xlsx?person=L0001")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["When", "Who", "Kind", "Event"]
    assert values[1][1:] == [
        "管理员老赵",
        "Account deactivated",
        "管理员老赵 deactivated the account of 学员小张.",
    ]
    assert values[1][0] == datetime(2026, 12, 1, 10, 0)
    assert len(values) == 2


def test_a_failure_that_locks_an_account_is_audited_once(app, client, users):
    limit = app.config["LOGIN_LIMIT_PER_ACCOUNT"]
    tries = int(limit.split()[0])
    for _ in range(tries + 2):
        sign_in(client, "L0001", "wrong-password")
    sign_in(client, "nobody-here", "wrong-password")
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "account.locked")
    ).all()
    assert [(e.subject_id, e.details["failures"]) for e in events] == [(users["learner"].id, tries)]


def test_a_new_course_version_is_audited_with_the_sync(users, synced):
    published = db.session.scalars(
        sa.select(AuditEvent.details["course"].as_string()).where(
            AuditEvent.action == "course.version_published"
        )
    ).all()
    assert sorted(published) == ["basics", "store-service"]


def test_someone_not_on_file_is_named_from_the_event(app, users):
    gone = make_user("L0099", "离职小王", {"learner"})
    found = event(
        users, "person.deactivated", "user", gone.id, person="L0099", person_name="离职小王"
    )
    db.session.delete(gone)
    db.session.commit()
    with app.test_request_context(), force_locale("en"):
        sentence = sentence_for(found, directory_for([found]))
    assert sentence.text() == "管理员老赵 deactivated the account of 离职小王 (L0099)."


def test_an_export_larger_than_one_lookup_keeps_every_event_in_order(
    client, users, signed_in, monkeypatch
):
    from trainer.audit import service

    monkeypatch.setattr(service, "EXPORT_CHUNK", 2)
    for day in range(1, 6):
        event(users, "plan.archived", "plan", None, name=f"计划{day}", at=datetime(2026, 12, day))
    signed_in("admin")
    response = client.get("/audit/events.csv?kind=plan.archived")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))[1:]
    assert [row[3] for row in rows] == [
        f"管理员老赵 归档了计划 计划{day}。" for day in (5, 4, 3, 2, 1)
    ]
