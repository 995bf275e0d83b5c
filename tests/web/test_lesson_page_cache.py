"""The lesson page is served from a per-app cache of rendered pages and a lean sign-in check
(trainer.page_cache, trainer.hotpath): whatever differs between readers must still differ,
and every sign-in rule must still hold on it."""

import re

from tests.conftest import sign_in
from trainer.auth.service import set_active
from trainer.courses.views import lesson_pages
from trainer.extensions import db

LESSON = "/courses/store-service/lessons/1"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_the_second_reader_gets_the_cached_page_with_their_own_csrf_token(csrf_app, users,
                                                                          synced):
    first, second = csrf_app.test_client(), csrf_app.test_client()
    for client, login in ((first, "L0001"), (second, "A0001")):
        page = client.get("/auth/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert sign_in(client, login, csrf_token=token).status_code == 302
    first_page = first.get(LESSON).get_data(as_text=True)
    cached_before = len(lesson_pages())
    first_again = first.get(LESSON).get_data(as_text=True)
    assert len(lesson_pages()) == cached_before  # served from the cache
    assert first_again == first_page
    second_page = second.get(LESSON).get_data(as_text=True)
    assert "placeholder" not in first_page + second_page
    first_token = TOKEN.search(first_page).group(1)
    second_token = TOKEN.search(second_page).group(1)
    assert first_token != second_token  # each session its own token
    # The token on the cached page is accepted (mark as read), and another session's is not.
    refused = first.post(f"{LESSON}/read", data={"csrf_token": second_token})
    assert refused.status_code == 400
    accepted = first.post(f"{LESSON}/read", data={"csrf_token": first_token})
    assert accepted.status_code == 302


def test_read_state_roles_and_language_each_get_their_own_page(client, users, signed_in,
                                                               synced):
    signed_in("learner")
    unread = client.get(LESSON).get_data(as_text=True)
    assert 'data-testid="lesson-read"' not in unread
    client.post(f"{LESSON}/read")
    read = client.get(LESSON).get_data(as_text=True)
    assert 'data-testid="lesson-read"' in read  # not the cached unread page
    assert "/people/" not in read  # a learner's navigation

    client.post("/auth/logout")
    signed_in("hr")
    hr_page = client.get(LESSON).get_data(as_text=True)
    assert 'data-testid="lesson-read"' not in hr_page  # HR has not read it
    assert 'href="/people/"' in hr_page  # HR's navigation, not the learner's

    client.post("/language", data={"locale": "en", "next": LESSON})
    english = client.get(LESSON).get_data(as_text=True)
    assert "Mark as read" in english and '<html lang="en">' in english


def test_deactivating_or_a_new_password_ends_the_session_on_the_cached_page(client, users,
                                                                            signed_in, synced):
    signed_in("learner")
    assert client.get(LESSON).status_code == 200
    assert client.get(LESSON).status_code == 200  # cached now
    set_active(users["learner"], False, users["hr"])
    db.session.commit()
    refused = client.get(LESSON)
    assert refused.status_code == 302 and "/auth/login" in refused.headers["Location"]

    signed_in("assessor")
    assert client.get(LESSON).status_code == 200
    users["assessor"].set_password("a-brand-new-password")  # bumps the session epoch
    db.session.commit()
    assert client.get(LESSON).status_code == 302


def test_a_forced_password_change_still_comes_first(client, users, signed_in, synced):
    signed_in("learner")
    client.get(LESSON)
    users["learner"].must_change_password = True
    db.session.commit()
    response = client.get(LESSON)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/password")


def test_flash_messages_and_query_strings_are_rendered_afresh(csrf_app, users, synced):
    client = csrf_app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert sign_in(client, "L0001", csrf_token=token).status_code == 302
    client.get(LESSON)  # cached
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "一条只给这个人看的消息")]
    flashed = client.get(LESSON).get_data(as_text=True)
    assert "一条只给这个人看的消息" in flashed
    assert "一条只给这个人看的消息" not in client.get(LESSON).get_data(as_text=True)
    with_query = client.get(f"{LESSON}?from=home").get_data(as_text=True)
    assert 'value="/courses/store-service/lessons/1?from=home"' in with_query
    for fresh in (flashed, with_query):  # real tokens on pages rendered afresh too
        assert "placeholder" not in fresh
        page_token = TOKEN.search(fresh).group(1)
        marked = client.post(f"{LESSON}/read", data={"csrf_token": page_token})
        assert marked.status_code == 302


def test_a_new_course_version_is_a_new_page(app, client, users, signed_in, synced):
    from pathlib import Path

    from trainer.courses.sync import sync_content

    signed_in("learner")
    assert "第二版的新句子" not in client.get(LESSON).get_data(as_text=True)
    lesson_file = sorted((synced / "store-service" / "lessons").glob("01-*.md"))[0]
    lesson_file.write_text(lesson_file.read_text(encoding="utf-8") + "\n\n第二版的新句子。\n",
                           encoding="utf-8")
    sync_content(Path(app.config["CONTENT_DIR"]))
    db.session.commit()
    assert "第二版的新句子" in client.get(LESSON).get_data(as_text=True)


def test_a_tampered_session_cookie_is_not_trusted_even_after_a_good_one(client, users,
                                                                        signed_in, synced):
    signed_in("learner")
    assert client.get(LESSON).status_code == 200  # the good cookie is remembered now
    good = client.get_cookie("session").value
    payload, _, signature = good.rpartition(".")
    client.set_cookie("session", f"{payload}.{'A' * len(signature)}")
    response = client.get(LESSON)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_reader_signed_in_by_the_remember_me_cookie_alone_gets_the_lesson(client, users,
                                                                           synced):
    """The lean sign-in reads the lesson's state with the user; a request signed in by the
    remember-me cookie alone reads it on its own and gets the same page."""
    assert sign_in(client, "L0001", remember="y").status_code == 302
    page = client.get(LESSON).get_data(as_text=True)
    with client.session_transaction() as browser_session:
        browser_session.pop("_user_id")  # only the remember-me cookie is left
    response = client.get(LESSON)
    assert response.status_code == 200
    assert response.get_data(as_text=True).split('name="csrf_token"')[0] == page.split(
        'name="csrf_token"')[0]
    assert client.get("/courses/store-service/lessons/99").status_code == 404
