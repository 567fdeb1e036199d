"""On a phone: rank activities in the open round (with and without JavaScript) and take a free seat."""
import re
from datetime import datetime

from playwright.sync_api import expect

from app.extensions import db
from app.models import Activity, Registration, RegistrationRound, User
from tests.browser.conftest import DEMO_PASSWORD, PHONE


def _person_and_round(live_app, skip):
    """A demo functionary (not a shared demo account) with an empty ranking in the open round."""
    with live_app.app_context():
        rnd = db.session.scalar(db.select(RegistrationRound).where(RegistrationRound.ran_at.is_(None))
                                .order_by(RegistrationRound.closes_at))
        ranked = set(db.session.scalars(db.select(Registration.user_id).join(Activity)
                                        .where(Activity.round_id == rnd.id)).all())
        people = db.session.scalars(db.select(User).where(User.email.like("%.%.%@demo.paraat.nl"))
                                    .order_by(User.id)).all()
        person = next(u for u in people if u.id not in ranked and u.email not in skip
                      and "OL" in u.function_codes)
        from app.activities.rounds import round_candidates
        titles = [a.title for a in round_candidates(person, rnd)][:2]
        briefing = db.session.scalar(db.select(Activity).where(
            Activity.kind == "ops_briefing", Activity.starts_at > datetime.now())
            .order_by(Activity.starts_at).offset(3))
        return person.email, rnd.id, titles, briefing.id, briefing.title


def _button(page, label, title):
    """The button `label` of the list item showing `title` (its accessible name is 'label: title')."""
    return page.get_by_role("button", name=re.compile(rf"^{label}\W+{re.escape(title)}$"))


def test_rank_and_register_on_phone(phone, live_app):
    email, round_id, (first, second), briefing_id, briefing_title = _person_and_round(live_app, set())
    phone.login(email)
    phone.goto(f"/activities/rounds/{round_id}")
    expect(phone.get_by_role("heading", level=2, name="Jouw ranglijst")).to_be_visible()
    _button(phone, "Toevoegen", first).click()
    ranking = phone.locator("ol.ranking")
    expect(ranking).to_contain_text(first)
    expect(phone.locator("#status")).to_contain_text(f"{first} staat nu op plaats 1")
    _button(phone, "Toevoegen", second).click()
    expect(ranking.locator("li")).to_have_count(2)
    _button(phone, "Omhoog", second).click()
    expect(ranking.locator("li").first).to_contain_text(second)
    expect(phone.locator("#status")).to_contain_text(f"{second} staat nu op plaats 1")
    phone.get_by_label("Hoeveel activiteiten wil je hoogstens?").select_option("2")
    phone.get_by_role("button", name="Opslaan").click()
    expect(phone.locator("#status")).to_contain_text("hoogstens 2 activiteiten")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    phone.goto(f"/activities/{briefing_id}")
    expect(phone.get_by_role("heading", level=1)).to_have_text(briefing_title)
    phone.get_by_role("button", name="Inschrijven").click()
    expect(phone.locator("#registration")).to_contain_text("Je bent ingeschreven")
    expect(phone.get_by_role("button", name="Afmelden")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.js_errors == []


def test_rank_without_javascript(browser, live_server, live_app):
    taken = set()
    with live_app.app_context():
        taken = set(db.session.scalars(db.select(User.email).join(Registration, Registration.user_id == User.id)
                                       .where(Registration.status == "requested")).all())
    email, round_id, (first, second), _b, _t = _person_and_round(live_app, taken)
    context = browser.new_context(viewport=PHONE, locale="nl-NL", base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(f"/activities/rounds/{round_id}")
    _button(page, "Toevoegen", first).click()
    expect(page.locator(".flash")).to_contain_text(f"{first} staat nu op plaats 1")
    expect(page.locator("ol.ranking")).to_contain_text(first)
    _button(page, "Toevoegen", second).click()
    _button(page, "Omlaag", first).click()
    # The reload lands on the moved item, now at position 2, not at the top of the page.
    assert re.search(r"#rang-\d+$", page.url)
    moved = page.locator("ol.ranking li").nth(1)
    expect(moved).to_contain_text(first)
    expect(moved.locator(".rank-pos")).to_have_text("Plaats 2")
    assert page.evaluate("window.scrollY") > 0
    expect(page.get_by_label("Hoeveel activiteiten wil je hoogstens?")).to_be_visible()
    _button(page, "Weghalen", second).click()
    _button(page, "Weghalen", first).click()
    expect(page.locator(".flash")).to_contain_text("van je ranglijst gehaald")
    context.close()


def test_priority_rule_is_told_before_ranking_and_explained_after(phone, live_app, tmp_path):
    """The functionary reads the rule in the ranking list and on the activity page; the allocated
    round explains a miss in plain Dutch; the coordinator's form shows and changes the rule."""
    with live_app.app_context():
        import json
        done = db.session.scalar(db.select(RegistrationRound).where(RegistrationRound.ran_at.is_not(None)))
        person, entry = next((p, e) for p, entries in json.loads(done.result_json)["explanations"].items()
                             for e in entries if e["reason"] == "priority")
        loser = db.session.get(User, int(person[1:])).email
        missed_activity = int(entry["activity"][1:])
    email, round_id, (first, _second), _b, _t = _person_and_round(live_app, {loser})
    phone.login(email)
    phone.goto(f"/activities/rounds/{round_id}")
    candidates = phone.locator("ul.list-plain")
    expect(candidates).to_contain_text("Voorrang: wie")
    phone.screenshot(path=str(tmp_path / "ranking.png"), full_page=True)
    phone.get_by_role("link", name=first).first.click()
    expect(phone.locator("dl.facts")).to_contain_text("Voorrang voor wie")
    phone.screenshot(path=str(tmp_path / "detail.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    phone.logout()
    phone.login(loser)
    phone.goto(f"/activities/rounds/{done.id}")
    outcome = phone.locator("ol.outcome")
    expect(outcome).to_contain_text("Deze activiteit ging eerst naar wie")
    assert not re.search(r"[0-9a-f]{10}", outcome.inner_text())
    phone.screenshot(path=str(tmp_path / "outcome.png"), full_page=True)

    phone.logout()
    phone.login("coordinator@demo.paraat.nl")
    phone.goto(f"/activities/{missed_activity}/edit")
    rule = phone.get_by_label("Voorrang bij de verdeling")
    expect(rule).to_be_visible()
    rule.select_option("plan")
    phone.get_by_label("Niveau").select_option("gevorderd")
    phone.screenshot(path=str(tmp_path / "edit.png"), full_page=True)
    phone.get_by_role("button", name="Opslaan").click()
    expect(phone.locator("dl.facts")).to_contain_text("Niveau")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.js_errors == []
    import shutil
    shutil.copytree(tmp_path, "/tmp/prio-shots", dirs_exist_ok=True)
