"""Phone-first journeys (issue 14) on a 360 px phone: confirm dialogs, forms that keep their texts,
stacked tables. The walk over every page of every role is in test_every_page."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from app.extensions import db
from tests.browser.test_accessibility import ACCOUNTS


def test_removing_a_goal_asks_keeps_it_on_annuleren_and_keeps_the_place_on_ok(phone):
    phone.login(ACCOUNTS["functionary"])
    phone.goto("/plan")
    phone.get_by_label("Nieuw leerdoel").fill("Een doel om weg te halen")
    phone.get_by_role("button", name="Leerdoel toevoegen").click()
    message = phone.locator("#leerdoelen .flash-success")
    expect(message).to_have_text("Leerdoel toegevoegd.")
    expect(message).to_be_focused()
    expect(message).to_be_in_viewport()
    goal = phone.locator("#leerdoelen li", has_text="Een doel om weg te halen")
    remove = goal.get_by_role("button", name=re.compile("^Verwijderen"))
    phone.once("dialog", lambda d: d.dismiss())
    remove.click()
    phone.wait_for_timeout(300)
    phone.reload()
    expect(goal).to_be_visible()
    dialogs = []
    phone.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    goal.get_by_role("button", name=re.compile("^Verwijderen")).click()
    expect(phone.locator("#leerdoelen .flash-success")).to_have_text("Leerdoel verwijderd.")
    expect(goal).to_have_count(0)
    assert dialogs == ["Dit leerdoel verwijderen?"]
    expect(phone.locator("#leerdoelen .flash-success")).to_be_in_viewport()
    assert phone.js_errors == []


def test_portfolio_texts_survive_each_other_and_leaving_warns(phone, live_app):
    phone.login(ACCOUNTS["functionary"])
    from app.models import PortfolioEntry, User
    with live_app.app_context():
        me = db.session.scalar(db.select(User).filter_by(email=ACCOUNTS["functionary"]))
        entry = db.session.scalar(db.select(PortfolioEntry.id).where(
            PortfolioEntry.user_id == me.id, PortfolioEntry.kind == "activity").limit(1))
    url = f"/portfolio/{entry}"
    phone.goto(url)
    phone.get_by_label("Wat wil ik hier leren?", exact=True).fill("Sneller samenvatten")
    phone.get_by_label("Wat ging goed?").fill("Rustig gebleven")
    warned = []
    phone.once("dialog", lambda d: (warned.append(d.type), d.dismiss()))
    phone.get_by_role("link", name="Terug naar je portfolio").click()
    phone.wait_for_timeout(300)
    assert warned == ["beforeunload"] and phone.url.endswith(url)
    phone.get_by_role("button", name="Feedup en reflectie opslaan").click()
    expect(phone.locator("#teksten .flash-success")).to_have_text("Je teksten zijn opgeslagen.")
    phone.reload()
    expect(phone.get_by_label("Wat wil ik hier leren?", exact=True)).to_have_value("Sneller samenvatten")
    expect(phone.get_by_label("Wat ging goed?")).to_have_value("Rustig gebleven")
    assert phone.js_errors == []


def test_stacked_card_tables_are_still_announced_as_tables(phone):
    """Below 48rem a table is shown as cards (display: block); its rows and cells keep their roles,
    so a screen reader still reads 'Oordeel' as the column of each function's card."""
    phone.login("coordinator@demo.paraat.nl")
    phone.goto("/monitor")
    table = phone.locator("table.stack-cards").first
    expect(table).to_have_attribute("role", "table")
    assert table.evaluate("t => getComputedStyle(t).display") == "block"  # cards, not a table, on screen
    assert table.get_by_role("columnheader").count() >= 2
    first_row = table.locator("tbody > tr").first
    expect(first_row).to_have_attribute("role", "row")
    assert first_row.get_by_role("cell").count() + first_row.get_by_role("rowheader").count() == \
        table.get_by_role("columnheader").count()


def test_portfolio_new_entry_errors_summarised_focused_and_marked(phone, tmp_path):
    """Several errors at once: one summary (focused after the swap) linking to each marked field."""
    phone.login(ACCOUNTS["functionary"])
    phone.goto("/portfolio/new")
    phone.get_by_label("Omschrijving").fill("   ")  # passes the browser's `required`, not the server
    phone.get_by_label("Toelichting (optioneel)").fill("Getypt en bewaard")
    phone.get_by_role("button", name="Toevoegen").click()
    summary = phone.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Vul een omschrijving in.",
                                                       "Kies wat voor oefening of training het was."])
    expect(phone.get_by_label("Omschrijving")).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_label("Omschrijving")).to_have_accessible_description("Vul een omschrijving in.")
    expect(phone.get_by_label("Toelichting (optioneel)")).to_have_value("Getypt en bewaard")
    phone.screenshot(path=str(tmp_path / "portfolio-new-error.png"), full_page=True)
    summary.get_by_role("link", name="Vul een omschrijving in.").click()
    expect(phone.get_by_label("Omschrijving")).to_be_focused()
    # Put right, it is saved and htmx opens the new entry's page (HX-Redirect): focus is on its message,
    # so a screen reader says it was added.
    phone.get_by_label("Omschrijving").fill("Oefening nafase")
    phone.get_by_label("Datum").fill(date.today().isoformat())
    phone.get_by_label("Soort oefening of training").select_option(index=1)
    phone.get_by_role("button", name="Toevoegen").click()
    phone.wait_for_url(re.compile(r"/portfolio/\d+$"))
    expect(phone.locator("main .flashes")).to_be_focused()
    expect(phone.locator("main .flashes")).to_have_text("Toegevoegd aan je portfolio.")
    assert [e for e in phone.js_errors if "status of 422" not in e] == []  # the 422 itself is the answer
