"""A functionary finds a module on a phone, reads it and marks it as read."""
import re

from playwright.sync_api import expect

from tests.browser.helpers import axe_violations





def test_read_a_module_on_a_phone_and_mark_it_read(phone):
    phone.login("functionaris@demo.paraat.nl")
    phone.goto("/learn")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Microlearnings")

    # Filter with htmx: the list changes, the address follows, the count is announced.
    competency = phone.get_by_label("Competentie")
    value = competency.locator("option").nth(1).get_attribute("value")
    competency.select_option(value)
    phone.get_by_role("button", name="Toon modules").click()
    expect(phone).to_have_url(re.compile(rf"competency={value}"))
    expect(phone.locator("#status")).to_contain_text("gevonden")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []

    first = phone.locator("#results .module-link").first
    title = first.inner_text()
    first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    expect(phone.get_by_text(re.compile(r"Leestijd \d+ minu"))).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # readable at phone width
    assert axe_violations(phone) == []

    phone.get_by_role("button", name="Markeer als gelezen").click()
    expect(phone.locator("#read-state")).to_contain_text("Gelezen")
    expect(phone.locator("#status")).to_have_text("Gemarkeerd als gelezen")
    expect(phone.get_by_role("button", name="Markeer als gelezen")).to_have_count(0)
    phone.reload()
    expect(phone.locator("#read-state")).to_contain_text("Gelezen")
    assert phone.js_errors == []
