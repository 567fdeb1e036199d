"""The coordinator's start page is an inbox; authors get their own card; proposals mail the coordinators."""
from datetime import timedelta

from app.activities import registration
from app.extensions import db
from app.models import OutboxMessage, PeerObservation, Registration
from app.models.core import utcnow
from app.monitor.inbox import inbox
from app.plan import services as plans
from tests import factories
from tests.activities.conftest import NOW, make_activity, make_round


def test_inbox_lists_what_waits_for_the_coordinator(app):
    coordinator = factories.user(email="co@example.nl", roles=("coordinator",), functions=())
    person = factories.user(email="ol@example.nl", functions=("OL",))
    assert inbox(coordinator, NOW) == []
    plans.propose_competency(person, NOW.year, "Omgaan met media", "Veel persvragen", "basis")
    make_round("Najaar", opens_at=NOW - timedelta(days=20), closes_at=NOW - timedelta(days=1))
    past = make_activity("Multi Hoogwater", starts_at=NOW - timedelta(days=3))
    registration.register(person, past, NOW - timedelta(days=10))
    offered = make_activity("Briefing 48", seats={"OL": 1})
    db.session.add(Registration(user_id=person.id, activity_id=offered.id, status="offered",
                                offer_expires_at=NOW - timedelta(hours=1)))
    db.session.add(OutboxMessage(to="x@example.nl", subject="s", body="b", user_id=person.id, error="refused",
                                failed_at=utcnow()))
    observer = factories.user(email="obs@example.nl", functions=("OL",))
    for days, status in ((20, "invited"), (3, "invited"), (30, "done")):  # only the first one waits too long
        db.session.add(PeerObservation(observed_id=person.id, observer_id=observer.id, title="Multi",
                                       occurred_on=(NOW - timedelta(days=days)).date(), status=status))
    db.session.commit()
    texts = [t.text for t in inbox(coordinator, NOW)]
    assert texts[0] == "1 voorstel voor een competentie buiten de lijst wacht op je besluit"
    assert "Inschrijfronde Najaar is gesloten; de plaatsen zijn nog niet verdeeld" in texts
    assert "Aanwezigheid vastleggen: Multi Hoogwater (1 persoon nog zonder registratie)" in texts
    assert any(t.startswith("1 plaatsaanbieding voor Briefing 48 is verlopen") for t in texts)
    assert any(t.startswith("1 observatie (vakman herkent vakman) is meer dan 14 dagen") for t in texts)
    assert any(t.startswith("1 bericht kon de afgelopen 14 dagen niet worden verstuurd") for t in texts)
    # Another region's coordinator sees none of it.
    other = factories.user(email="co2@example.nl", roles=("coordinator",), functions=(),
                           reg=factories.region("elders"))
    assert inbox(other, NOW) == []


def test_start_page_cards_follow_the_role(client, auth):
    factories.user(email="co@example.nl", roles=("coordinator",), functions=())
    factories.user(email="au@example.nl", roles=("author",), functions=())
    make_round("Voorjaar")
    auth.login("co@example.nl")
    page = client.get("/").get_data(as_text=True)
    assert "Wacht op jou" in page and "Er wacht nu niets op je." in page
    assert "Open inschrijvingen" not in page and "Inschrijven" not in page
    assert '>Goedkeuringen</a>' in page
    auth.logout()
    auth.login("au@example.nl")
    page = client.get("/").get_data(as_text=True)
    assert "Voor auteurs" in page and "Naar de modules" in page and "Wacht op jou" not in page
    assert "Open inschrijvingen" not in page and '>Goedkeuringen</a>' not in page


def test_a_proposal_mails_every_coordinator_of_the_region(app):
    factories.user(email="co@example.nl", roles=("coordinator",), functions=())
    factories.user(email="co2@example.nl", roles=("coordinator",), functions=(), reg=factories.region("elders"))
    person = factories.user(email="ol@example.nl", name="Sanne", functions=("OL",))
    plans.propose_competency(person, NOW.year, "Omgaan met media", "Veel persvragen", "basis")
    mails = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.subject.like("Voorstel%"))).all()
    assert [(m.to, m.subject) for m in mails] == [("co@example.nl", "Voorstel van Sanne: Omgaan met media")]
    assert "Goedkeuringen" in mails[0].body


def test_person_page_links_to_the_yearly_review(client, auth):
    factories.user(email="co@example.nl", roles=("coordinator",), functions=())
    person = factories.user(email="ol@example.nl", functions=("OL",))
    auth.login("co@example.nl")
    page = client.get(f"/monitor/people/{person.id}").get_data(as_text=True)
    assert f'href="/plan/review/{person.id}?year=' in page and "Reflectiegesprek" in page
