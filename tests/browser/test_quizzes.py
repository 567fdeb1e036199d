"""A functionary answers a whole quiz on a phone: instant feedback after every question (htmx)."""
import re

from playwright.sync_api import expect

from tests.browser.helpers import answer_visible_question




def test_answer_a_quiz_on_a_phone(phone):
    phone.login("functionaris@demo.paraat.nl")
    phone.goto("/quizzes")
    first = phone.locator("main ul.list-plain a").first
    title = first.inner_text()
    first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    phone.get_by_role("button", name=re.compile("Start de oefentoets|Opnieuw beginnen")).click()
    total = int(re.search(r"van (\d+)", phone.locator(".quiz-progress").inner_text()).group(1))
    for number in range(1, total + 1):
        expect(phone.locator(".quiz-progress")).to_have_text(f"Vraag {number} van {total}")
        answer_visible_question(phone, "2,5")
        verdict = phone.locator(".quiz-verdict")
        expect(verdict).to_have_text(re.compile("Goed!|Nog niet goed"))
        expect(verdict).to_be_focused()            # the swapped-in feedback takes focus
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        phone.get_by_role("link", name=re.compile("Volgende vraag|Bekijk je resultaat")).click()
    expect(phone.get_by_role("heading", name="Klaar! Zo ging het")).to_be_visible()
    expect(phone.get_by_text("Later nog eens")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.goto("/")
    expect(phone.locator("#section-reviews")).to_contain_text("Oefenvragen")
    assert phone.js_errors == []
