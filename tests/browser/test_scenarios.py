"""On a phone: a new scenario module and its quiz, with the source on the end screen."""
import re

from playwright.sync_api import expect

from tests.browser.helpers import answer_visible_question, axe_violations


def test_read_a_scenario_and_do_its_quiz_on_a_phone(phone, tmp_path):
    phone.login("functionaris@demo.paraat.nl")
    phone.goto("/learn/scenario-brand-pgs15-loods")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Scenario brand in een PGS 15-loods")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []
    phone.screenshot(path=str(tmp_path / "module.png"), full_page=True)
    phone.goto("/quizzes/scenario-brand-pgs15-loods-basis")
    phone.get_by_role("button", name=re.compile("Start de oefentoets|Opnieuw beginnen")).click()
    total = int(re.search(r"van (\d+)", phone.locator(".quiz-progress").inner_text()).group(1))
    for number in range(1, total + 1):
        expect(phone.locator(".quiz-progress")).to_have_text(f"Vraag {number} van {total}")
        answer_visible_question(phone)
        expect(phone.locator(".quiz-verdict")).to_be_focused()
        feedback = phone.locator("main").inner_text()
        assert not re.search(r"\bHelaas\b|\bJuist niet\b", feedback)
        if number == 2:
            phone.screenshot(path=str(tmp_path / "feedback.png"), full_page=True)
        phone.get_by_role("link", name=re.compile("Volgende vraag|Bekijk je resultaat")).click()
    expect(phone.get_by_role("heading", name="Klaar! Zo ging het")).to_be_visible()
    expect(phone.locator("main")).to_contain_text("Bron: OTO-beleidsplan 2026-2029")
    expect(phone.locator("main")).to_contain_text("PGS 15, Opslag van verpakte gevaarlijke stoffen")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(tmp_path / "end.png"), full_page=True)
    assert phone.js_errors == []
    import shutil
    shutil.copytree(tmp_path, "/tmp/prio-shots", dirs_exist_ok=True)
