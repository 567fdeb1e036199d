"""Start page, account, public pages and health check."""
from datetime import date

import pytest
from sqlalchemy.exc import OperationalError

from tests import factories
from tests.conftest import HTMX


def test_anonymous_start_redirects_to_login(client):
    assert client.get("/").location.endswith("/login")


def test_start_page_full_and_htmx(app, client, auth):
    factories.user(email="ol@example.nl", name="Sanne", functions=("OL",))
    auth.login("ol@example.nl")
    full = client.get("/")
    assert "<html" in full.get_data(as_text=True) and "Hallo Sanne" in full.get_data(as_text=True)
    assert full.headers["Vary"].count("HX-Request") == 1
    # The start page has no fragment: an htmx request (e.g. hx-boost) still gets a whole page.
    assert "Hallo Sanne" in client.get("/", headers=HTMX).get_data(as_text=True)


def test_start_page_shows_every_feature_card(app, client, auth):
    """A person who is functionary, author and coordinator sees all seven cards, each the feature's own
    (its link into the feature): a card left off the start page fails here."""
    from app.portfolio.services import record_entry

    factories.norm("OL", "multi_exercise", year=date.today().year)
    person = factories.user(email="ol@example.nl", roles=("functionary", "author", "coordinator"))
    record_entry(person.id, "activity", date.today(), "Systeemoefening", activity_kind="multi_exercise")
    auth.login("ol@example.nl")
    page = client.get("/").get_data(as_text=True)
    cards = [("Wacht op jou", 'href="/monitor"'), ("Voor auteurs", 'href="/author"'),
             ("Microlearning van de week", 'href="/learn"'), ("Oefenvragen", 'href="/quizzes"'),
             ("Open inschrijvingen", 'href="/activities"'), ("Voortgang op je normen", 'href="/plan#normen"'),
             ("Feedup en reflectie", "#reflectie-titel")]
    assert page.count('<section class="card"') == len(cards)
    for title, link in cards:
        assert f">{title}</h2>" in page, f"start page has no card {title!r}"
        card = page.split(f">{title}</h2>", 1)[1].split("</section>", 1)[0]
        assert link in card, f"start page card {title!r} has no {link}"


def test_base_layout_accessibility_landmarks(app, client, auth):
    factories.user(email="ol@example.nl")
    auth.login("ol@example.nl")
    page = client.get("/account").get_data(as_text=True)
    assert 'class="skip-link" href="#main"' in page
    assert '<main id="main"' in page
    assert 'role="status"' in page
    assert '<nav aria-label="Hoofdmenu">' in page
    assert 'aria-current="page">Account' in page


@pytest.mark.parametrize("path,needle", [("/toegankelijkheid", "WCAG"), ("/privacy", "privé")])
def test_public_pages_for_everyone(client, path, needle):
    response = client.get(path)
    assert response.status_code == 200 and needle in response.get_data(as_text=True)


def test_security_txt_fields(client):
    response = client.get("/.well-known/security.txt")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/plain"
    for field in ("Contact: ", "Expires: ", "Canonical: ", "Preferred-Languages: "):
        assert field in body


def test_manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    assert response.get_json(force=True)["lang"] == "nl"


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"


def test_healthz_reports_unavailable_database(app, client, monkeypatch):
    from app.extensions import db

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("down"))
    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and "down" not in response.get_data(as_text=True)


def test_navigation_shows_only_what_the_role_may_use(app, client, auth):
    factories.user(email="ol@example.nl")
    factories.user(email="admin@example.nl", roles=("admin",), functions=())
    auth.login("ol@example.nl")
    assert 'href="/admin"' not in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("admin@example.nl")
    assert 'href="/admin"' in client.get("/").get_data(as_text=True)


def test_account_page_links_to_the_calendar_feed(app, client, auth):
    factories.user(email="ol@example.nl")
    auth.login("ol@example.nl")
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/activities/calendar"' in page and "Wachtwoord wijzigen" in page


def test_start_page_briefing_deadline_says_the_briefing_counts_toward_the_norm(app, client, auth):
    from datetime import timedelta

    from app.portfolio.services import record_entry
    factories.norm("OL", "ops_briefing", year=date.today().year, period="every_weeks", count_=1, weeks=5)
    person = factories.user(email="ol@example.nl")
    record_entry(person.id, "briefing", date.today() - timedelta(days=10), "Briefing", activity_kind="ops_briefing",
                 source="test", source_ref="b1")
    auth.login("ol@example.nl")
    page = client.get("/").get_data(as_text=True)
    card = page[page.index('id="section-norms"'):]
    assert "Volgende uiterlijk" in card and "elke briefing die je bijwoont telt voor je norm" in card
