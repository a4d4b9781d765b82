"""The page fixture notices Content-Security-Policy violations (so every browser test does)."""

from tests.factories import PASSWORD


def test_fixture_collects_a_blocked_inline_script(page, live_server, csp_violations):
    page.goto(f"{live_server.url}/anmelden/")
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.body.append(script);
        const styled = document.createElement("p");
        styled.setAttribute("style", "color: red");
        document.body.append(styled);
    }"""
    )
    page.wait_for_function("() => true")
    page.wait_for_timeout(200)  # the violation event is dispatched asynchronously
    assert page.evaluate("() => window.__ran") is None, "the inline script did not run"
    assert any("script-src" in v for v in csp_violations), csp_violations
    csp_violations.clear()  # proven: do not fail this test at teardown


def test_login_page_and_start_page_have_no_violations(page, live_server, personas):
    page.goto(f"{live_server.url}/anmelden/")
    page.get_by_label("Benutzername").fill("strategie")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
