"""The exam's staff pages (attempts, question analysis, extra attempts) are reached from the
trainer's and HR's course pages; the attempts CSV is in the reader's language and the
company's time zone."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from tests.unit.hr.helpers import take_exam

LINKS = (
    'href="/quiz/basics/attempts"',
    'href="/quiz/basics/analysis"',
    'href="/quiz/basics/attempts#grant"',
)


def test_the_trainer_course_page_leads_to_the_exam_pages(client, signed_in, synced):
    signed_in("trainer")
    page = client.get("/authoring/basics").get_data(as_text=True)
    assert 'data-testid="exam-staff-links"' in page
    for link in LINKS:
        assert link in page


def test_hr_course_report_leads_to_the_exam_pages(client, signed_in, users, synced):
    take_exam(users["learner"], "basics", passed=False)
    take_exam(users["learner"], "basics", passed=True)
    signed_in("hr")
    listing = client.get("/hr/reports/courses").get_data(as_text=True)
    assert 'href="/hr/reports/courses/basics"' in listing
    page = client.get("/hr/reports/courses/basics").get_data(as_text=True)
    for link in LINKS:
        assert link in page
    assert '<dd data-testid="people-tried">1</dd>' in page
    # HR has no authoring page: the attempts page leads back to HR's course report.
    attempts = client.get("/quiz/basics/attempts").get_data(as_text=True)
    assert 'href="/hr/reports/courses/basics"' in attempts
    assert 'href="/authoring/basics"' not in attempts
    assert client.get("/hr/reports/courses/no-such-course").status_code == 404


def attempts_csv(client) -> list[list[str]]:
    response = client.get("/quiz/basics/attempts?format=csv")
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.fixture
def two_attempts(users, synced):
    # 23:30 UTC on 1 March is 07:30 on 2 March in Shanghai: the day changes too.
    take_exam(users["learner"], "basics", passed=False, at=datetime(2026, 3, 1, 23, 30))
    take_exam(users["learner"], "basics", passed=True, at=datetime(2026, 3, 2, 2, 5))


def test_attempts_csv_in_chinese_with_local_times(client, signed_in, two_attempts):
    signed_in("trainer")
    table = attempts_csv(client)
    assert table[0] == [
        "工号",
        "姓名",
        "版本",
        "轮次",
        "次数",
        "开始时间",
        "评分时间",
        "结束方式",
        "得分（%）",
        "是否通过",
    ]
    rows = sorted(table[1:], key=lambda row: row[5])
    assert [row[5] for row in rows] == ["2026-03-02 07:30", "2026-03-02 10:05"]
    assert [row[9] for row in rows] == ["否", "是"]
    assert rows[0][7] == "交卷"


def test_attempts_csv_in_english(client, signed_in, two_attempts):
    signed_in("trainer")
    client.post("/language", data={"locale": "en", "next": "/"})
    table = attempts_csv(client)
    assert table[0][:2] == ["Employee number", "Name"] and table[0][9] == "Exam passed"
    assert sorted(row[9] for row in table[1:]) == ["No", "Yes"]
    assert sorted(row[5] for row in table[1:]) == ["2026-03-02 07:30", "2026-03-02 10:05"]
