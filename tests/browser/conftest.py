"""Real headless Chromium (Debian's) driven by Playwright against a live server."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """Serve the test's app on a free local port in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _page(request, browser, options):
    context = browser.new_context(locale="zh-CN", **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def phone(request, browser):
    yield from _page(request, browser, PHONE)


@pytest.fixture
def desktop(request, browser):
    yield from _page(request, browser, DESKTOP)


@pytest.fixture
def demo(app):
    """The demo organisation and accounts, as `make run` creates them."""
    from trainer.demo import create_demo_accounts

    app.config["DEMO_PASSWORD"] = "demo-pass-1"
    create_demo_accounts("demo-pass-1")
    return "demo-pass-1"


def sign_in(page, base_url: str, login: str, password: str) -> None:
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("工号或邮箱").fill(login)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


SERIOUS = {"serious", "critical"}


def accessibility_problems(page) -> list[str]:
    """axe-core (bundled by axe-playwright-python, injected into the page under test) run on
    the page as it is now: its serious and critical violations, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page).response
    return [
        f"{page.url} {violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in response["violations"]
        if violation["impact"] in SERIOUS
    ]


def assert_accessible(page) -> None:
    problems = accessibility_problems(page)
    assert not problems, "\n".join(problems)


def read_in_the_browser(page, base_url: str, slug: str) -> None:
    """Read every lesson of a course to its end, pressing each lesson's main button (下一课,
    then 完成本课 on the last), as a new hire does: what opens the exam."""
    from playwright.sync_api import expect

    page.goto(f"{base_url}/courses/{slug}/lessons/1")
    while True:
        expect(page.locator("article.lesson h1")).to_be_visible()
        button = page.get_by_test_id("lesson-done")
        last = button.inner_text().strip() == "完成本课"
        with page.expect_navigation():
            button.click()
        if last:
            return


def demo_user(login: str):
    """A demo account, read afresh (the server wrote since the test's last read)."""
    import sqlalchemy as sa

    from trainer.extensions import db
    from trainer.models import User

    db.session.commit()
    return db.session.scalar(sa.select(User).where(User.employee_no == login))
