"""Browser tests: Playwright drives Debian's Chromium against the live server; axe checks pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "de-DE"}


# Reported by the page itself (a listener Playwright installs before any page script runs),
# so violations during parsing count too; Chromium's "Refused to ..." console errors as well.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__fb15CspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}`
  );
}, true);
"""


@pytest.fixture
def csp_violations() -> list[str]:
    """Every Content-Security-Policy violation the page reported during the test."""
    return []


@pytest.fixture
def page(page, csp_violations):
    """pytest-playwright's page, failing the test at teardown on any CSP violation."""

    def on_violation(text: str) -> None:
        csp_violations.append(text)

    page.expose_function("__fb15CspViolation", on_violation)
    page.add_init_script(_CSP_LISTENER)

    def on_console(message) -> None:
        text = message.text
        if message.type == "error" and "Content Security Policy" in text:
            csp_violations.append(text)

    page.on("console", on_console)
    yield page
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


@pytest.fixture
def eager_tasks(settings, tmp_path):
    """Celery tasks (report, import) run in the live server's request thread (no worker
    here); files go to a temp dir."""
    from fb15.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def login(page, live_server):
    """Sign a user in through the login form; returns the function."""

    def sign_in(username: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/anmelden/")
        page.get_by_label("Benutzername").fill(username)
        page.get_by_label("Passwort").fill(password)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(f"{live_server.url}/")

    return sign_in


_axe = Axe()


def assert_accessible(page) -> None:
    """Zero WCAG 2.1 AA violations on the page as it is now."""
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_21_AA},
            "resultTypes": ["violations"],
        },
    )
    assert results.violations_count == 0, results.generate_report()
