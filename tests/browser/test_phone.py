"""Phone-first for every role (issue 14): on a 360 px phone, every page of every role is walked.

- No visible table is wider than the viewport (tables become stacked cards on narrow screens).
- Every confirm dialog, dismissed with "Annuleren", sends nothing (neither a form post nor htmx).
- No page logs a console error (e.g. a CSP violation from an inline style).
Pages come from the URL map with ids from the live demo database (see test_accessibility).
"""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import ACCOUNTS, _pages

# Tables in an author's module text (.module-body) scroll in their own focusable box; every table
# of the application itself must fit.
WIDE_TABLES = """() => [...document.querySelectorAll('main table')]
    .filter(t => t.offsetParent !== null && !t.closest('.module-body'))
    .map(t => [t.getBoundingClientRect().right, (t.caption && t.caption.textContent.trim())
               || (t.querySelector('th') && t.querySelector('th').textContent.trim()) || 'tabel'])
    .filter(([right]) => right > document.documentElement.clientWidth + 0.5)
    .map(([right, name]) => name + ' (' + Math.round(right) + ' px)')"""


def _extra_pages(live_app, role: str) -> list[str]:
    """Pages the URL map's first id misses: the functionary's own seat and a hand-made portfolio item."""
    from app.models import Activity, PortfolioEntry, Registration, User
    if role != "functionary":
        return []
    with live_app.app_context():
        me = db.session.scalar(db.select(User).filter_by(email=ACCOUNTS[role]))
        seat = db.session.scalar(db.select(Registration.activity_id).join(Activity).where(
            Registration.user_id == me.id, Registration.status.in_(("assigned", "waitlisted")),
            Activity.starts_at > datetime.now()).limit(1))
        entry = db.session.scalar(db.select(PortfolioEntry.id).filter_by(user_id=me.id, source="manual").limit(1))
    return [f"/activities/{seat}"] * bool(seat) + [f"/portfolio/{entry}"] * bool(entry)


def _dismiss_every_confirm(page, url: str, problems: list[str]) -> int:
    """Submit every data-confirm form on the page and answer the dialog with Annuleren."""
    count = page.locator("form[data-confirm]").count()
    for i in range(count):
        posts, dialogs = [], []

        def on_request(request):
            if request.method == "POST":
                posts.append(request.url)

        def on_dialog(dialog):
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("request", on_request)
        page.once("dialog", on_dialog)
        page.locator("form[data-confirm]").nth(i).evaluate(
            "f => f.requestSubmit(f.querySelector('button[type=submit], button:not([type])'))")
        page.wait_for_timeout(300)
        page.remove_listener("request", on_request)
        if not dialogs:
            problems.append(f"{url}: form {i} asked nothing")
        if posts:
            problems.append(f"{url}: 'Annuleren' in “{dialogs[0] if dialogs else '?'}” still posted {posts}")
    return count


def _walk(phone, live_app, role, check) -> list[str]:
    """Open every page of the role and run check(url, problems) on each; console errors count too."""
    urls = _pages(live_app, ACCOUNTS[role]) + _extra_pages(live_app, role)
    phone.login(ACCOUNTS[role])
    problems = []
    for url in urls:
        response = phone.goto(url)
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status >= 400:  # a refused page (403/404) logs its own status as a console error
            phone.js_errors[:] = [e for e in phone.js_errors if not e.startswith("Failed to load resource")]
        check(url, problems)
    return problems + [f"console: {e}" for e in phone.js_errors]


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_annuleren_in_every_confirm_dialog_sends_nothing_and_no_page_logs_an_error(phone, live_app, role):
    confirms = []
    problems = _walk(phone, live_app, role, lambda url, problems: confirms.append(
        _dismiss_every_confirm(phone, url, problems)))
    assert problems == [], f"{len(problems)} problems as {role}:\n" + "\n".join(problems)
    if role in ("functionary", "coordinator", "admin"):
        assert sum(confirms), f"no confirm dialog found as {role}: the walk missed the destructive actions"


@pytest.mark.parametrize("role", ["coordinator", "author", "admin"])
def test_no_visible_table_is_wider_than_a_360px_phone(phone, live_app, role):
    tables = []

    def check(url, problems):
        wide = phone.evaluate(WIDE_TABLES)
        problems += [f"{url}: table wider than {PHONE['width']} px: {t}" for t in wide]
        tables.append(phone.locator("main table").count())

    problems = _walk(phone, live_app, role, check)
    assert problems == [], f"{len(problems)} problems as {role}:\n" + "\n".join(problems)
    assert sum(tables) >= 2, f"the walk as {role} met no tables"


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
    assert [e for e in phone.js_errors if "status of 422" not in e] == []  # the 422 itself is the answer
