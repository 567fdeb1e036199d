"""Interactive practice on a phone: a hint after a wrong try, another try, and "hoe zeker ben je?"."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import answer_visible_question, axe_violations, overflow_at_320px


def _shot(page, name):
    import os
    folder = os.environ.get("PARAAT_SHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _start(page):
    page.goto("/quizzes/interactief-grip-rollen")
    page.get_by_role("button", name=re.compile("Start de oefentoets|Opnieuw beginnen")).click()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_hint_then_second_try_with_certainty(browser, live_server, javascript):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-NL", base_url=live_server,
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-mailadres").fill("functionaris@demo.paraat.nl")
    page.get_by_label("Wachtwoord", exact=True).fill("paraat-demo")
    page.get_by_role("button", name="Inloggen").click()
    _start(page)
    expect(page.get_by_role("group", name="Hoe zeker ben je?")).to_be_visible()
    _shot(page, f"hint-1-question-{'js' if javascript else 'nojs'}")
    page.get_by_label("De burgemeester").check()
    page.get_by_label("Heel zeker").check()
    page.get_by_role("button", name="Controleer mijn antwoord").click()
    hint = page.locator(".quiz-hint")
    expect(hint).to_contain_text("Het ROT leidt de operationele aanpak, niet het bestuur.")
    if javascript:
        expect(hint).to_be_focused()
    expect(page.get_by_role("group", name="Hoe zeker ben je?")).to_have_count(0)
    expect(page.get_by_text("Klopt, de Operationeel Leider")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(page, f"hint-2-hint-{'js' if javascript else 'nojs'}")
    page.get_by_label("De Operationeel Leider").check()
    page.get_by_role("button", name="Probeer opnieuw").click()
    expect(page.locator(".quiz-verdict")).to_have_text(re.compile("Goed!"))
    _shot(page, f"hint-3-feedback-{'js' if javascript else 'nojs'}")
    for number, answer in ((2, "Onjuist"), (3, "10")):
        page.get_by_role("link", name="Volgende vraag").click()
        expect(page.locator(".quiz-progress")).to_have_text(f"Vraag {number} van 3")
        _shot(page, f"hint-q{number}-{'js' if javascript else 'nojs'}")
        if answer == "10":
            page.get_by_label("Je antwoord (een getal)").fill(answer)
        else:
            page.get_by_label(answer, exact=True).check()
        page.get_by_label("Redelijk zeker").check()
        page.get_by_role("button", name="Controleer mijn antwoord").click()
    page.get_by_role("link", name="Bekijk je resultaat").click()
    expect(page.locator(".quiz-calibration")).to_contain_text(
        "Bij 1 vraag was je heel zeker; 1 daarvan was nog niet goed. Daar zit je grootste winst")
    expect(page.get_by_text("Je had 2 van de 3 vragen in één keer goed.")).to_be_visible()
    expect(page.locator(".quiz-source")).to_contain_text("Bron: OTO-beleidsplan Twente")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(page, f"hint-4-summary-{'js' if javascript else 'nojs'}")
    if javascript:
        assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_order_question_with_up_and_down_buttons(browser, live_server, javascript):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-NL", base_url=live_server,
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-mailadres").fill("functionaris@demo.paraat.nl")
    page.get_by_label("Wachtwoord", exact=True).fill("paraat-demo")
    page.get_by_role("button", name="Inloggen").click()
    page.goto("/quizzes/grip-structuur-basis")
    page.get_by_role("button", name=re.compile("Start de oefentoets|Opnieuw beginnen")).click()
    page.get_by_label("Juist", exact=True).check()
    page.get_by_role("button", name="Controleer mijn antwoord").click()
    page.get_by_role("link", name="Volgende vraag").click()
    steps = page.locator(".quiz-order-text")
    expect(steps.first).to_be_visible()
    before = steps.all_inner_texts()
    page.get_by_role("button", name=f"{before[0]}: één plaats omlaag").click()
    expect(steps.first).to_have_text(before[1])
    expect(steps.nth(1)).to_have_text(before[0])
    if javascript:
        expect(page.get_by_role("button", name=f"{before[0]}: één plaats omlaag")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(page, f"order-{'js' if javascript else 'nojs'}")
    page.get_by_role("button", name="Controleer mijn antwoord").click()
    expect(page.locator(".quiz-verdict")).to_have_text(re.compile("Goed!|Nog niet goed"))
    context.close()


def test_an_order_question_with_a_long_word_fits_a_320px_phone(phone):
    """"Strategisch Communicatieadviseur (beleidsteam)" made the question wider than the screen."""
    phone.login("functionaris@demo.paraat.nl")
    phone.goto("/quizzes/crisiscommunicatie-basis")
    phone.get_by_role("button", name=re.compile("Start de oefentoets|Opnieuw beginnen")).click()
    for number in range(1, 5):   # q1..q4, then the order question q5
        expect(phone.get_by_text(f"Vraag {number} van")).to_be_visible()
        answer_visible_question(phone)
        phone.get_by_role("link", name="Volgende vraag").click()
    expect(phone.locator(".quiz-order-text", has_text="Communicatieadviseur")).to_be_visible()
    assert overflow_at_320px(phone) == 0
    phone.set_viewport_size({"width": 320, "height": 640})
    up = phone.get_by_role("button", name=re.compile("Communicatieadviseur.*omhoog"))
    down = phone.get_by_role("button", name=re.compile("Communicatieadviseur.*omlaag"))
    assert down.bounding_box()["y"] > up.bounding_box()["y"]   # stacked: the text keeps its width
    assert phone.js_errors == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_briefing_flow_from_the_start_page_to_done(browser, live_server, javascript):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-NL", base_url=live_server,
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-mailadres").fill("functionaris@demo.paraat.nl")
    page.get_by_label("Wachtwoord", exact=True).fill("paraat-demo")
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="Klaar voor de briefing").click()
    progress = page.locator(".quiz-progress")
    expect(progress).to_contain_text("Stap 1 van")
    total = int(re.search(r"van (\d+)", progress.inner_text()).group(1))
    _shot(page, f"briefing-1-{'js' if javascript else 'nojs'}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for step in range(1, total + 1):
        expect(progress).to_have_text(f"Stap {step} van {total}")
        if page.get_by_role("button", name=re.compile("^Gelezen")).count():
            page.get_by_role("button", name=re.compile("^Gelezen")).click()
        elif page.get_by_role("button", name="Start de oefentoets").count():
            page.get_by_role("button", name="Start de oefentoets").click()
            while True:
                expect(page.locator("form.quiz-form, .quiz-verdict, .quiz-summary").first).to_be_visible()
                if page.locator(".quiz-summary").count():
                    break
                if page.locator("form.quiz-form").count():
                    answer_visible_question(page, "10")
                    expect(page.locator(".quiz-verdict, .quiz-hint").first).to_be_visible()
                    if page.locator(".quiz-hint").count():
                        continue
                next_link = page.get_by_role("link", name=re.compile("Volgende vraag|Bekijk je resultaat"))
                if next_link.count():
                    next_link.click()
                    expect(page.locator(".quiz-verdict")).to_have_count(0)
            page.get_by_role("link", name="Verder met de briefingvoorbereiding").click()
        else:
            page.get_by_role("link", name=re.compile("^Herhaal")).click()
            while not page.get_by_role("link", name="Verder met de briefingvoorbereiding").count():
                expect(page.locator("form.quiz-form, .quiz-verdict, #quiz-step-title").first).to_be_visible()
                if page.locator("form.quiz-form").count():
                    answer_visible_question(page, "10")
                    expect(page.locator(".quiz-verdict")).to_be_visible()
                    page.get_by_role("link", name="Volgende vraag").click()
                    expect(page.locator(".quiz-verdict")).to_have_count(0)
            _shot(page, f"briefing-review-end-{'js' if javascript else 'nojs'}")
            page.get_by_role("link", name="Verder met de briefingvoorbereiding").click()
    expect(page.get_by_role("heading", name="Klaar voor de briefing")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(page, f"briefing-done-{'js' if javascript else 'nojs'}")
    context.close()
