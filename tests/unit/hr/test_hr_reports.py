"""Reports: the matrix, overdue list, results per course, onboarding; exports."""

import csv
import io
from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.conftest import make_user
from tests.unit.hr.helpers import assess, make_plan, positions, read_lessons, take_exam
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.hr.reports import service
from trainer.hr.reports.exports import Table, neutralise, to_csv, to_xlsx
from trainer.models import Department, User

TODAY = date(2026, 3, 10)


@contextmanager
def counting_queries():
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


@pytest.fixture
def store(app, users, synced):
    found = positions()
    for index in range(4):
        make_user(
            f"S{index}",
            f"导购{index}",
            {"learner"},
            department_path="测试公司/华东区/上海一店",
            position_code="sales-associate",
            hire_date=date(2026, 3, 1),
        )
    plan = make_plan(
        users["hr"],
        items=[
            ("basics", "fixed", date(2026, 3, 5)),
            ("store-service", "fixed", date(2026, 6, 30)),
        ],
        targets=[("position", found["sales-associate"])],
        today=date(2026, 3, 2),
    )
    # Assigned before the first date went by: assigning it later would be refused.
    plans.sync_plan(users["hr"], plan, date(2026, 3, 2))
    return found


def person(employee_no):
    return db.session.scalar(sa.select(User).where(User.employee_no == employee_no))


def shop():
    return db.session.scalar(sa.select(Department).where(Department.name == "上海一店"))


def test_matrix_cells_and_column_counts(store, users):
    take_exam(person("S0"), "basics", passed=True)
    read_lessons(person("S1"), "store-service", count=1)
    take_exam(users["trainer"], "basics", passed=True)  # not assigned, passed anyway
    found = service.matrix(service.Filters(department_id=shop().id), TODAY)
    cells = {
        (p.employee_no, c.slug): found.cells[(p.id, c.id)]
        for p in found.people
        for c in found.courses
    }
    assert cells[("S0", "basics")] == "passed"
    assert cells[("S1", "basics")] == "overdue"
    assert cells[("S1", "store-service")] == "in_progress"
    assert cells[("S2", "store-service")] == "not_started"
    assert cells[("T0001", "basics")] == "passed"
    assert cells[("L0001", "basics")] == "none"
    basics = next(c for c in found.courses if c.slug == "basics")
    assert found.column_counts[basics.id]["overdue"] == 3
    assert found.column_counts[basics.id]["passed"] == 2


def test_matrix_filters_by_position(store):
    found = service.matrix(service.Filters(position_id=store["sales-associate"].id), TODAY)
    assert [p.employee_no for p in found.people] == ["S0", "S1", "S2", "S3"]


def test_matrix_query_count_does_not_grow_with_people(store, users):
    filters = service.Filters(department_id=shop().id)
    with counting_queries() as few:
        service.matrix(filters, TODAY)
    for index in range(4, 40):
        user = make_user(
            f"S{index}",
            f"导购{index}",
            {"learner"},
            department_path="测试公司/华东区/上海一店",
            position_code="sales-associate",
        )
        take_exam(user, "basics", passed=index % 2 == 0)
        read_lessons(user, "store-service", count=1)
    plans.sync_all(None, TODAY)
    db.session.expire_all()
    with counting_queries() as many:
        found = service.matrix(filters, TODAY)
    assert len(found.people) == 45
    assert len(many) == len(few), many


def test_overdue_list(store, users):
    take_exam(person("S0"), "basics", passed=True)
    rows = service.overdue(service.Filters(), TODAY)
    assert [(p.employee_no, v.course.slug) for p, v in rows] == [
        ("S1", "basics"),
        ("S2", "basics"),
        ("S3", "basics"),
    ]


def test_pass_rate_and_average_attempts(store, users):
    take_exam(person("S0"), "basics", passed=False)
    take_exam(person("S0"), "basics", passed=True)
    take_exam(person("S1"), "basics", passed=False)
    assess(person("S0"), users["assessor"], "store-service", "practical", passed=True)
    results = {r.course.slug: r for r in service.course_results(service.Filters())}
    assert (results["basics"].people_tried, results["basics"].people_passed) == (2, 1)
    assert results["basics"].pass_rate == 50.0
    assert results["basics"].average_attempts == 1.5
    assert results["store-service"].practical_pass_rate == 100.0
    assert results["store-service"].pass_rate is None


def test_onboarding_status_of_new_hires(store, users):
    plan = make_plan(
        users["hr"],
        kind="onboarding",
        name="入职",
        items=[("store-service", "after_hire", 30)],
        targets=[("new_hires", store["sales-associate"], date(2026, 1, 1))],
    )
    plans.sync_plan(users["hr"], plan, TODAY)
    take_exam(person("S0"), "store-service", passed=True)
    hires = {h.person.employee_no: h for h in service.onboarding(service.Filters(), TODAY)}
    assert set(hires) == {"S0", "S1", "S2", "S3"}
    parts = {p.name: p.outcome for p in hires["S0"].courses[0].standing.parts}
    assert parts == {"theory": "passed", "practical": "pending", "attitude": "pending"}
    assert not hires["S0"].clearance.cleared


def test_exports_neutralise_formula_cells():
    evil = ["=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "ok", "王芳"]
    assert [neutralise(v) for v in evil] == [
        "'=cmd|' /C calc'!A0",
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "ok",
        "王芳",
    ]
    assert neutralise(-5) == -5  # numbers stay numbers
    table = Table("测试", ["姓名", "=H"], [[value, 1] for value in evil])
    text = to_csv(table).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel needs the BOM to read UTF-8
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["姓名", "'=H"]
    assert all(not row[0].startswith(("=", "+", "-", "@")) for row in rows[1:])
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    values = [sheet.cell(row=row, column=1).value for row in range(2, 10)]
    assert values[0] == "'=cmd|' /C calc'!A0"
    assert all(sheet.cell(row=row, column=1).data_type == "s" for row in range(2, 10))


def test_xlsx_export_of_the_matrix_is_colour_coded(store, app):
    from trainer.hr.reports.tables import matrix_table

    take_exam(person("S0"), "basics", passed=True)
    with app.test_request_context():
        table = matrix_table(service.Filters(), TODAY)
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["工号", "姓名", "部门", "岗位"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    basics = header.index("新员工入门")
    assert rows["S0"][basics].value == "已通过"
    assert rows["S0"][basics].fill.start_color.rgb.endswith("C6EFCE")
