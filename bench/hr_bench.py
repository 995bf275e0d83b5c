"""HR reports and staff import at company scale.

Generated directly in a fresh SQLite database (WAL, as in production): 10,000 active staff in
50 stores of 200 people under 5 regions, 8 positions, 40 live courses (4 lessons each, some
with practical and attitude checklists), an annual plan per position group (15 courses) and
an onboarding plan (5 courses) for this year's hires, and a realistic spread of results on the
assigned courses: about half passed (lessons read, exam passed, checklists passed where
required), a fifth failed an attempt, a fifth part-way through the lessons, the rest not
started. Then, through the app's test client (routing, access checks, templates included):

  matrix      GET /hr/reports/matrix?department=<a 200-person store>   goal <= 0.3 s (median)
  export      POST /hr/reports/matrix.xlsx (its job run in-process, JOBS_IMMEDIATE), then GET
              of the stored file (10,000 people × 40 courses)                goal <= 10 s
  import      upload a 10,000-row CSV + GET its preview page            goal <= 10 s

`run()` returns one dict per figure: name, value, unit, goal, met. Run alone with
`python -m bench.hr_bench`.
"""

from __future__ import annotations

import io
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

PEOPLE = 10_000
STORES = 50
REGIONS = 5
COURSES = 40
PLAN_COURSES = 15
ONBOARDING_COURSES = 5
MATRIX_RUNS = 7
GOALS = {"matrix": 0.3, "export": 10.0, "import": 10.0}
POSITION_CODES = (
    "front-desk",
    "sales-associate",
    "store-supervisor",
    "store-manager",
    "property-service",
    "station-agent",
    "cs-agent",
    "tour-guide",
)


def _app(scratch: Path):
    from trainer import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch / 'hr-bench.sqlite3'}",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "JOBS_IMMEDIATE": True,  # the export's job runs inside the timed request
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "CONTENT_DIR": scratch / "content",
        }
    )


def _generate(rng: random.Random, today: date) -> dict:
    """Everything inserted with bulk statements; returns ids the timings need."""
    from trainer.extensions import db
    from trainer.models import (
        Assessment,
        CourseLesson,
        CourseRecord,
        CourseVersion,
        Department,
        LessonProgress,
        Position,
        QuizAttempt,
        QuizResult,
        User,
        UserRole,
    )
    from trainer.models.plans import PlanAssignment, PlanItem, PlanTarget, SkillPlan

    session = db.session
    company = Department(name="示例服务集团", kind="company")
    session.add(company)
    session.flush()
    stores = []
    for region_index in range(REGIONS):
        region = Department(name=f"区域{region_index + 1}", kind="region", parent_id=company.id)
        session.add(region)
        session.flush()
        for store_index in range(STORES // REGIONS):
            store = Department(
                name=f"门店{region_index + 1}-{store_index + 1}", kind="store", parent_id=region.id
            )
            session.add(store)
            stores.append(store)
    positions = [Position(code=code, name=code, department_kind="store") for code in POSITION_CODES]
    session.add_all(positions)
    session.flush()

    course_ids, version_ids, assessed = [], [], {}
    for index in range(COURSES):
        record = CourseRecord(slug=f"course-{index:02d}", status="ok", problems=[])
        session.add(record)
        session.flush()
        practical = index % 3 == 0
        version = CourseVersion(
            course_id=record.id,
            version_hash=f"{index:064d}",
            title=f"课程{index + 1:02d}",
            category="sop",
            estimated_minutes=30,
            question_count=20,
            settings={
                "practical_required": practical,
                "attitude_required": index % 6 == 0,
                "quiz": {"pass_mark": 80, "questions_per_attempt": 10},
            },
        )
        session.add(version)
        session.flush()
        record.current_version_id = version.id
        session.add_all(
            [
                CourseLesson(
                    version_id=version.id,
                    number=n,
                    slug=f"l{n}",
                    title=f"第{n}课",
                    html="<p>.</p>",
                    toc=[],
                )
                for n in range(1, 5)
            ]
        )
        course_ids.append(record.id)
        version_ids.append(version.id)
        assessed[record.id] = [
            kind for kind, on in (("practical", practical), ("attitude", index % 6 == 0)) if on
        ]
    session.flush()

    users = []
    for index in range(PEOPLE):
        new_hire = index % 10 == 0
        hired = today - timedelta(days=rng.randint(5, 200) if new_hire else rng.randint(400, 4000))
        users.append(
            {
                "employee_no": f"E{index:05d}",
                "display_name": f"员工{index:05d}",
                "email": f"e{index:05d}@example.com",
                "department_id": stores[index // (PEOPLE // STORES)].id,
                "position_id": positions[index % len(positions)].id,
                "hire_date": hired,
                "active": True,
                "must_change_password": False,
                "session_epoch": 0,
                "created_at": datetime(2025, 1, 1),
            }
        )
    session.execute(sa.insert(User), users)
    user_rows = session.execute(
        sa.select(User.id, User.position_id, User.hire_date).order_by(User.id)
    ).all()
    session.execute(
        sa.insert(UserRole), [{"user_id": row.id, "role": "learner"} for row in user_rows]
    )

    # An annual plan per position group (15 courses) and an onboarding plan for new hires.
    items_by_position: dict[int, list[tuple[int, int, date]]] = {}
    for group, position in enumerate(positions):
        plan = SkillPlan(
            name=f"{today.year} 年度计划 {position.code}", year=today.year, kind="annual"
        )
        session.add(plan)
        session.flush()
        session.add(PlanTarget(plan_id=plan.id, kind="position", position_id=position.id))
        chosen = [course_ids[(group * 5 + k) % COURSES] for k in range(PLAN_COURSES)]
        for k, course_id in enumerate(chosen):
            item = PlanItem(
                plan_id=plan.id,
                course_id=course_id,
                mandatory=True,
                due_kind="fixed",
                due_date=today + timedelta(days=60 * k - 300),
            )
            session.add(item)
            session.flush()
            items_by_position.setdefault(position.id, []).append(
                (item.id, course_id, item.due_date)
            )
    onboarding = SkillPlan(name="新员工入职培训", year=today.year, kind="onboarding")
    session.add(onboarding)
    session.flush()
    onboarding_items = []
    for course_id in course_ids[:ONBOARDING_COURSES]:
        item = PlanItem(
            plan_id=onboarding.id,
            course_id=course_id,
            mandatory=True,
            due_kind="after_hire",
            due_days=30,
        )
        session.add(item)
        session.flush()
        onboarding_items.append((item.id, course_id))
    for position in positions:
        session.add(
            PlanTarget(
                plan_id=onboarding.id,
                kind="new_hires",
                position_id=position.id,
                hired_since=today - timedelta(days=365),
            )
        )

    assignments, attempts, progress, assessments = [], [], [], []
    version_of = dict(zip(course_ids, version_ids, strict=True))
    assessor_id = user_rows[0].id
    for row in user_rows:
        mine = [
            (item_id, course_id, due)
            for item_id, course_id, due in items_by_position[row.position_id]
        ]
        if (today - row.hire_date).days <= 365:
            mine += [
                (item_id, course_id, row.hire_date + timedelta(days=30))
                for item_id, course_id in onboarding_items
            ]
        seen = set()
        for item_id, course_id, due in mine:
            assignments.append(
                {
                    "item_id": item_id,
                    "user_id": row.id,
                    "assigned_at": datetime(2026, 1, 1),
                    "assigned_on": date(2026, 1, 1),
                    "due_on": due,
                }
            )
            if course_id in seen:
                continue
            seen.add(course_id)
            roll = rng.random()
            lessons = 4 if roll < 0.7 else (rng.randint(1, 3) if roll < 0.9 else 0)
            progress += [
                {
                    "user_id": row.id,
                    "version_id": version_of[course_id],
                    "lesson_number": n,
                    "read_at": datetime(2026, 2, 1),
                }
                for n in range(1, lessons + 1)
            ]
            if roll < 0.7:
                attempts.append((row.id, course_id, roll < 0.5))
                if roll < 0.5:
                    for kind in assessed[course_id]:
                        if row.id != assessor_id:
                            assessments.append((row.id, course_id, kind))
    session.execute(sa.insert(PlanAssignment), assignments)
    session.execute(sa.insert(LessonProgress), progress)
    attempt_rows = [
        {
            "user_id": user_id,
            "course_id": course_id,
            "version_id": version_of[course_id],
            "round_number": 1,
            "attempt_number": 1,
            "started_at": datetime(2026, 2, 2),
            "draw": [],
        }
        for user_id, course_id, _passed in attempts
    ]
    ids = (
        session.execute(
            sa.insert(QuizAttempt).returning(QuizAttempt.id, sort_by_parameter_order=True),
            attempt_rows,
        )
        .scalars()
        .all()
    )
    session.execute(
        sa.insert(QuizResult),
        [
            {
                "attempt_id": attempt_id,
                "graded_at": datetime(2026, 2, 2),
                "closed_by": "learner",
                "points": 18 if passed else 10,
                "max_points": 20,
                "percent": 90 if passed else 50,
                "passed": passed,
                "per_question": [],
            }
            for attempt_id, (_u, _c, passed) in zip(ids, attempts, strict=True)
        ],
    )
    session.execute(
        sa.insert(Assessment),
        [
            {
                "learner_id": user_id,
                "assessor_id": assessor_id,
                "course_id": course_id,
                "version_id": version_of[course_id],
                "kind": kind,
                "mode": "observed",
                "place": "门店",
                "observed_on": date(2026, 2, 3),
                "status": "submitted",
                "submitted_at": datetime(2026, 2, 3),
                "points": 9,
                "max_points": 10,
                "pass_mark": 8,
                "passed": True,
                "critical_failed": False,
                "overall_comment": "",
                "created_at": datetime(2026, 2, 3),
                "updated_at": datetime(2026, 2, 3),
            }
            for user_id, course_id, kind in assessments
        ],
    )
    hr = User(employee_no="bench-hr", display_name="人事", active=True)
    hr.set_roles({"hr"})
    hr.set_password("bench-password")
    session.add(hr)
    session.commit()
    return {
        "store_id": stores[7].id,
        "assignments": len(assignments),
        "attempts": len(attempts),
        "lessons": len(progress),
        "assessments": len(assessments),
    }


def _import_file(rows: int) -> bytes:
    lines = ["工号,姓名,邮箱,部门,岗位,入职日期,角色,在职"]
    for index in range(rows):
        # Half the file is the existing staff (some changed), half new people.
        number = index if index % 2 == 0 else PEOPLE + index
        name = f"员工{number:05d}" if index % 10 else f"员工{number:05d}改"
        lines.append(
            f"E{number:05d},{name},e{number:05d}@example.com,区域1/门店1-{index % 10 + 1},"
            f"{POSITION_CODES[index % 8]},2024-05-01,学员,{'否' if index % 97 == 0 else '是'}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def run() -> list[dict]:
    from trainer.extensions import db

    results = []
    with tempfile.TemporaryDirectory(prefix="trainer-bench-hr-") as scratch:
        app = _app(Path(scratch))
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            facts = _generate(random.Random(7), date.today())
            print(
                f"hr: generated {PEOPLE} staff, {COURSES} courses, {facts['assignments']} "
                f"assignments, {facts['attempts']} exam results, {facts['lessons']} lessons "
                f"read, {facts['assessments']} assessments in "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
            store_id = facts["store_id"]
        client = app.test_client()
        response = client.post(
            "/auth/login", data={"login": "bench-hr", "password": "bench-password"}
        )
        assert response.status_code == 302, response.status_code

        url = f"/hr/reports/matrix?department={store_id}"
        assert client.get(url).status_code == 200  # warm-up (templates, caches)
        timings = []
        for _ in range(MATRIX_RUNS):
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        people = response.get_data(as_text=True).count('<tr data-employee="')
        results.append(
            _figure(
                "matrix page, 200-person store × 40 courses (median of "
                f"{MATRIX_RUNS}; max {max(timings):.3f} s; {people} rows)",
                statistics.median(timings),
                "s",
                GOALS["matrix"],
            )
        )

        started = time.perf_counter()
        # HR asks for the file (a POST that enqueues the job; the job runs in-process here),
        # then downloads the file it stored.
        asked = client.post("/hr/reports/matrix.xlsx")
        assert asked.status_code == 302, asked.status_code
        response = client.get(asked.headers["Location"] + "/file")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        results.append(
            _figure(
                f"XLSX export of the whole matrix ({PEOPLE:,} × {COURSES}, "
                f"{len(response.data) // 1024} KiB)",
                elapsed,
                "s",
                GOALS["export"],
            )
        )

        data = _import_file(10_000)
        started = time.perf_counter()
        response = client.post(
            "/hr/staff/import",
            data={"file": (io.BytesIO(data), "staff.csv")},
            content_type="multipart/form-data",
        )
        preview = client.get(response.headers["Location"])
        elapsed = time.perf_counter() - started
        page = preview.get_data(as_text=True)
        assert preview.status_code == 200 and 'data-testid="count-problems">0<' in page, (
            "the generated file should preview without problems"
        )
        results.append(
            _figure(
                "staff import preview, 10,000-row GBK CSV (upload + preview page)",
                elapsed,
                "s",
                GOALS["import"],
            )
        )
        with app.app_context():
            db.engine.dispose()
    return results


def _figure(name: str, value: float, unit: str, goal: float) -> dict:
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "goal": goal,
        "met": value <= goal,
    }


if __name__ == "__main__":
    for figure in run():
        verdict = "meets goal" if figure["met"] else "MISSES GOAL"
        print(
            f"{figure['name']}: {figure['value']} {figure['unit']} "
            f"(goal <= {figure['goal']} {figure['unit']}: {verdict})"
        )
