"""Keyboard only: skip link, the menu, a form submitted with Enter, and focus after every htmx swap."""
import re
import time

from tests.browser.conftest import DEMO_PASSWORD

EMAIL = "functionaris@demo.paraat.nl"


def wait_until(page, expression: str, timeout: float = 10.0):
    """Poll with page.evaluate (the app's CSP forbids the eval that wait_for_function uses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.05)


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, text: (e.textContent || '').trim().slice(0, 80),
                cls: e.className || '', href: e.getAttribute('href') || ''}; }""")


def test_login_and_main_path_by_keyboard(phone, live_server):
    page = phone
    page.goto("/login")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Naar de inhoud"  # the skip link comes first
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    page.keyboard.press("Tab")
    assert focused(page)["id"] and focused(page)["tag"] == "INPUT"  # the e-mail field
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")  # submit with Enter, no mouse
    page.wait_for_url(re.compile(re.escape(live_server) + r"/(#main)?$"))

    # The menu: Tab past the skip link and the brand to "Menu", open it with Enter, walk its links.
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "SUMMARY" and focused(page)["text"] == "Menu"
    page.keyboard.press("Enter")
    labels = []
    for _ in range(10):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["tag"] != "A":
            break
        labels.append(now["text"])
    assert labels[:2] == ["Start", "Leren"] and "Account" in labels
    assert focused(page)["text"] == "Uitloggen"  # the logout button ends the menu


def test_form_errors_get_focus_after_an_htmx_swap(phone):
    page = phone
    page.login(EMAIL)
    page.goto("/account/password")
    page.get_by_label("Huidig wachtwoord").focus()
    page.keyboard.type("niet-mijn-wachtwoord")
    page.keyboard.press("Enter")
    page.locator(".error-summary").wait_for()
    wait_until(page, "() => !!document.activeElement.closest('.error-summary')", 5)
    now = focused(page)
    assert "error-summary" in now["cls"] or "Er is een probleem" in now["text"], now
    assert page.get_by_label("Huidig wachtwoord").input_value() == ""  # no password echoed back


def test_quiz_answer_by_keyboard_moves_focus_to_the_feedback(phone):
    page = phone
    page.login(EMAIL)
    page.goto("/quizzes/crisisdiagnose-basis")
    start = page.locator("main form[action$='/attempts'] button").first
    start.focus()
    page.keyboard.press("Enter")
    page.locator("form.quiz-form").wait_for()
    first_option = page.locator("form.quiz-form input").filter(has_not=page.locator("[type=hidden]"))
    radios = page.locator("form.quiz-form input[type=radio], form.quiz-form input[type=checkbox]")
    if radios.count():
        radios.first.focus()
        page.keyboard.press("Space")
    else:
        first_option.first.focus()
        page.keyboard.type("1")
    page.get_by_role("button", name="Controleer mijn antwoord").focus()
    page.keyboard.press("Enter")
    wait_until(page, "() => !!(document.activeElement && document.activeElement.closest('#quiz-step')"
                     " && !document.activeElement.closest('form'))")
    status = page.locator("#status").text_content()
    assert status  # the result is announced in the role=status region
    page.keyboard.press("Tab")
    assert focused(page)["tag"] in ("A", "BUTTON")  # onwards from the feedback, e.g. "Volgende vraag"


def test_status_messages_live_in_a_status_region(phone):
    page = phone
    page.login(EMAIL)
    assert page.locator("#status[role=status][aria-live=polite]").count() == 1
