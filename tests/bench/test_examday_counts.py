"""The exam-day table counts every failed request of each kind, not only the first messages."""

from __future__ import annotations

from bench.examday.scenario import ExamDayReport, LearnerRecord, _fill, _Plan


def test_errors_per_kind_count_every_failed_request_past_the_first_fifty_messages():
    plan = _Plan(
        users=200,
        factor=1.0,
        think=(30, 90),
        spawn_window_s=900,
        release_window_s=180,
        t0=0.0,
        exam_start=900.0,
        seed=26,
        learners=[LearnerRecord(i, f"ED{i:05d}", "examday-safety") for i in range(200)],
    )
    plan.samples = {"sign-in page": [10.0] * 200, "autosave": [5.0] * 40}
    plan.errors = [f"sign-in page: status 504, expected 200 ({i})" for i in range(50)]
    plan.errors_by_kind = {"sign-in page": 120, "autosave": 3}
    plan.error_count = 123
    report = ExamDayReport("http://x", 200, 1.0, (30, 90), 900, 180, elapsed_s=100.0)
    _fill(report, plan)
    assert {kind: figures.errors for kind, figures in report.kinds.items() if figures.errors} == {
        "sign-in page": 120,
        "autosave": 3,
    }
    assert (report.error_count, len(report.errors), report.requests) == (123, 50, 240)
