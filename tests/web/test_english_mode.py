"""English mode: counted things take their plural forms through Babel, and each language
writes days and moments in one format."""

import re
from datetime import date, datetime

import pytest
from flask_babel import force_locale

from tests.unit.assessments.assessment_helpers import ALL_MAX, set_up_people, submitted
from trainer.i18n import format_day, format_moment

T0 = datetime(2026, 9, 1, 8, 0)  # 16:00 in Shanghai


def in_english(client):
    client.post("/language", data={"locale": "en", "next": "/"})


def test_question_points_are_singular_and_plural_in_english(client, users, signed_in, synced):
    signed_in("trainer")
    in_english(client)
    page = client.get("/authoring/store-service/preview").get_data(as_text=True)
    # store-service's bank has one-point questions and a two-point one.
    assert re.search(r"· 1 point\s", page) and "· 2 points" in page
    assert "1 points" not in page
    # The quiz settings: 6 questions, 3 attempts, 15 minutes; the checklist's 6 points.
    course = client.get("/courses/store-service").get_data(as_text=True)
    assert "6 questions, pass mark 80%, 3 attempts per round." in course
    assert "Time limit: 15 minutes." in course and "valid for 24 months" in course


@pytest.mark.parametrize(
    ("locale", "day", "moment", "evening_day"),
    [
        ("zh_Hans_CN", "2026年9月1日", "2026年9月1日 16:00", "2026年9月2日"),
        ("en", "1 Sep 2026", "1 Sep 2026, 16:00", "2 Sep 2026"),
    ],
)
def test_one_date_format_per_language(app, locale, day, moment, evening_day):
    with app.test_request_context(), force_locale(locale):
        assert format_day(date(2026, 9, 1)) == day
        assert format_moment(T0) == moment
        # A stored UTC moment is on the company's day: 20:00 UTC is the next morning there.
        assert format_day(datetime(2026, 9, 1, 20, 0)) == evening_day
        assert format_moment(None) == "" and format_day(None) == ""


@pytest.mark.parametrize(
    ("english", "day", "moment"),
    [(False, "2026年9月1日", "2026年9月1日 16:00"), (True, "1 Sep 2026", "1 Sep 2026, 16:00")],
)
def test_a_result_page_writes_its_dates_in_the_language_of_the_page(
    client, users, synced, signed_in, english, day, moment
):
    people = set_up_people(users)
    result = submitted(people["assessor"], people["learner"], ALL_MAX, at=T0)
    signed_in("learner")
    if english:
        in_english(client)
    page = client.get(f"/assessments/{result.id}").get_data(as_text=True)
    facts = page[page.index('<dl class="facts">') : page.index("</dl>")]
    assert f"<dd>{day}</dd>" in facts  # the day observed (2026-09-01)
    assert f"<dd>{moment}</dd>" in facts  # submitted
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2}", facts)
    total = "Total: 6 of 6 points" if english else "合计：6 分中得 6 分"
    assert total in page
