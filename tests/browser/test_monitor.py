"""A coordinator reads the system overview on a phone, switches year and opens a function group."""
import os
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


def test_coordinator_uploads_the_roster_and_the_functionary_sees_their_duty(phone, tmp_path, browser, live_server):
    """The piket journey at 360 x 740: the coordinator uploads a CSV; the functionary reads it on /plan."""
    from datetime import date, timedelta
    start = date.today() + timedelta(days=7)
    roster = tmp_path / "rooster.csv"
    roster.write_text("e-mail;begin;eind\nfunctionaris@demo.paraat.nl;"
                      f"{start:%d-%m-%Y};{start + timedelta(days=6):%d-%m-%Y}\n", encoding="utf-8")
    phone.login("coordinator@demo.paraat.nl")
    phone.goto("/monitor/roster")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Piketrooster")
    phone.get_by_label("Piketrooster (CSV)").set_input_files(str(roster))
    phone.get_by_role("button", name="Inlezen").click()
    expect(phone.locator(".flash, [role=status], .alert").filter(has_text="Rooster ingelezen").first).to_be_visible()
    expect(phone.get_by_role("row", name=re.compile("Sanne de Vries"))).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == []
    shots = os.environ.get("SCREENSHOT_DIR")       # for looking at the pages; tests assert without it
    if shots:
        phone.screenshot(path=f"{shots}/roster.png", full_page=True)
    bad = tmp_path / "fout.csv"
    bad.write_text("niemand@example.nl;1-1-2026;7-1-2026\n", encoding="utf-8")
    phone.get_by_label("Piketrooster (CSV)").set_input_files(str(bad))
    phone.get_by_role("button", name="Inlezen").click()
    expect(phone.get_by_role("alert")).to_contain_text("fout.csv:1: onbekend e-mailadres")
    expect(phone.get_by_role("alert")).to_be_focused()
    phone.goto("/monitor/report")
    expect(phone.get_by_text("maatstaf van de regio").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # The functionary reads it without JavaScript (a phone with scripts off): plain pages, native <details>.
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="nl-NL", base_url=live_server,
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-mailadres").fill("functionaris@demo.paraat.nl")
    page.get_by_label("Wachtwoord", exact=True).fill("paraat-demo")
    page.get_by_role("button", name="Inloggen").click()
    page.goto("/plan")
    expect(page.get_by_role("heading", name="Jouw dienstperiodes (piket)")).to_be_visible()
    page.get_by_text("Hoe bepalen we de status?").click()
    expect(page.get_by_text("voor piket-functies: wanneer je dienst hebt", exact=False)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if shots:
        page.locator("#normen").screenshot(path=f"{shots}/plan.png")
    context.close()
    # Chromium logs the refused upload's 422 answer as a console error; nothing else may appear.
    assert [e for e in phone.js_errors if "422" not in e] == []
