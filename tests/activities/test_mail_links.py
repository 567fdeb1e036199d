"""Offer and outcome mails reach a real SMTP server; the link in the mail opens the right page."""
import re
from datetime import datetime, timedelta

from app.activities import management, registration, rounds
from app.extensions import db
from tests import factories
from tests.activities.conftest import NOW, make_activity, make_round

LINK = re.compile(r"https://paraat\.example\.test(/\S+)")


def _path(message) -> str:
    return LINK.search(message.get_content()).group(1)


def test_offer_mail_link_opens_the_offer(app, client, auth, smtp):
    activity = make_activity("Oefening Hengelo", seats={"OL": 1})
    holder = factories.user()
    waiting = factories.user(email="wacht@example.nl")
    held, _ = registration.register(holder, activity, NOW)
    registration.register(waiting, activity, NOW)
    registration.cancel_registration(holder, held, NOW)
    db.session.commit()   # the caller commits; the mail leaves after the commit
    [message] = smtp.wait_for(1)
    assert message["To"] == "wacht@example.nl"
    assert message["Subject"] == "Er is een plaats vrij: Oefening Hengelo"
    path = _path(message)
    assert path == "/activities/mine"
    auth.login("wacht@example.nl")
    page = client.get(path).get_data(as_text=True)
    assert "Plaats aangeboden" in page and "Oefening Hengelo" in page


def test_outcome_mail_link_opens_the_round_with_its_explanation(app, client, auth, smtp, needs):
    rnd = make_round()
    activity = make_activity("Oefening A", starts_at=datetime(2027, 3, 11, 13), seats={"OL": 1}, rnd=rnd)
    person = factories.user(email="uitslag@example.nl")
    rounds.add_to_ranking(person, rnd, activity, NOW)
    rounds.run_allocation(rnd, None, NOW + timedelta(days=11))
    db.session.commit()   # the caller commits; the mail leaves after the commit
    [message] = smtp.wait_for(1)
    assert message["Subject"] == "Uitslag inschrijving Voorjaar 2027"
    path = _path(message)
    assert path == f"/activities/rounds/{rnd.id}"
    auth.login("uitslag@example.nl")
    response = client.get(path)
    assert response.status_code == 200 and "Oefening A" in response.get_data(as_text=True)


def test_cancelling_an_activity_with_a_200_character_title_mails_everyone(app, smtp):
    title = "Grootschalige multidisciplinaire oefening " + "x" * 158
    assert len(title) == 200
    activity = make_activity(title, seats={"OL": 2})
    people = [factories.user() for _ in range(2)]
    for person in people:
        registration.register(person, activity, NOW)
    assert management.cancel_activity(activity, None, NOW) == 2
    db.session.commit()   # the caller commits; the mail leaves after the commit
    messages = smtp.wait_for(2)
    assert all(len(m["Subject"]) == 200 and m["Subject"].endswith("…") for m in messages)
