"""A coordinator reads the system overview on a phone, switches year and opens a function group."""
import re

from playwright.sync_api import expect

from tests.browser.helpers import axe_violations





def test_system_view_on_a_phone(phone):
    phone.login("coordinator@demo.paraat.nl")
    phone.goto("/monitor")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Monitor 20")
    # A chart with a text alternative, and the same numbers as a table.
    chart = phone.get_by_role("img", name=re.compile(r"OL: mensen per norm"))
    expect(chart).to_be_visible()
    expect(phone.locator("table caption", has_text="Mensen per functie")).to_be_attached()
    expect(phone.get_by_role("row", name=re.compile(r"^OL"))).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []

    # Switch year with htmx: the body changes, the address follows, the change is announced.
    years = phone.get_by_label("Jaar").locator("option").all_text_contents()
    other = [y for y in years if y != years[0]][0]
    phone.get_by_label("Jaar").select_option(other)
    phone.get_by_role("button", name="Toon").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(f"Monitor {other}")
    expect(phone).to_have_url(re.compile(rf"year={other}"))
    expect(phone.locator("#status")).to_contain_text(f"Overzicht {other} geladen")

    # Into the function group: who is behind on what.
    phone.get_by_role("link", name="Wie loopt achter bij OL").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("OL — Operationeel Leider")
    expect(phone.get_by_role("link", name="Sanne de Vries")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.js_errors == []
