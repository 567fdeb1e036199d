"""The briefing flow: this week's module, its quiz, up to five review questions, then what comes back when."""
import re
from datetime import date, timedelta

import pytest

from app.content.modules import iso_week
from app.extensions import db
from app.models import ModuleRead, QuizAttempt
from app.models.core import utcnow
from app.quizzes import review
from tests import factories
from tests.content.helpers import content_dir, write_module  # noqa: F401


@pytest.fixture
def flow(app, auth, content_dir):
    quizzes = content_dir.parent / "quizzes"
    (quizzes / "week-quiz.yaml").write_text(
        "slug: week-quiz\ntitle: Quiz van de week\ncompetencies: [crisisdiagnose]\nsource: Test\nquestions:\n"
        "  - id: q1\n    type: truefalse\n    text: Bij GRIP 2 is een ROT actief.\n    answer: true\n"
        "    explanation: Het ROT komt bij GRIP 2.\n", encoding="utf-8")
    write_module(content_dir, "week.md", title="Module van de week", briefing_week=iso_week(date.today()),
                 quiz="week-quiz")
    person = factories.user(email="leerling@example.nl")
    auth.login("leerling@example.nl")
    for n in range(7):   # seven other questions due: the flow takes five
        (quizzes / f"oud-{n}.yaml").write_text(
            f"slug: oud-{n}\ntitle: Oud {n}\ncompetencies: [crisisdiagnose]\nsource: Test\nquestions:\n"
            "  - id: q1\n    type: truefalse\n    text: Oud\n    answer: true\n    explanation: Zo is het.\n",
            encoding="utf-8")
        review.record_review(person, f"oud-{n}", "q1", review.Rating.Again, now=utcnow() - timedelta(days=5))
    db.session.commit()
    return person


def test_the_whole_flow_without_javascript(client, flow):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/briefing"' in home and "Klaar voor de briefing" in home
    offline = re.search(r'data-offline-urls="([^"]*)"', home).group(1).split()
    assert "/briefing/1" in offline and "/learn/week" in offline   # the module step is kept for the train
    page = client.get(client.get("/briefing").location).get_data(as_text=True)
    assert "Stap 1 van 3" in page and "Module van de week" in page and "Herhaal 5 vragen" in page
    step2 = client.post("/briefing/1")                        # "Gelezen": one tap to the next step
    assert step2.location.endswith("/briefing/2")
    assert db.session.scalar(db.select(ModuleRead.slug)) == "week"
    page = client.get("/briefing/2").get_data(as_text=True)
    assert "Stap 2 van 3" in page and 'name="next_step" value="/briefing/3"' in page
    attempt_url = client.post("/quizzes/week-quiz/attempts", data={"next_step": "/briefing/3"}).location
    client.post(attempt_url, data={"question_id": "q1", "answer": "true"})
    summary = client.get(attempt_url).get_data(as_text=True)
    assert 'href="/briefing/3"' in summary and "Verder met de briefingvoorbereiding" in summary
    page = client.get("/briefing/3").get_data(as_text=True)
    assert "Stap 3 van 3" in page and 'href="/quizzes/review"' in page
    for number in range(1, 6):
        review_page = client.get("/quizzes/review").get_data(as_text=True)
        assert f"Herhaling {number} van 5 " in review_page
        card = review_page.split('action="/quizzes/review/')[1].split('"')[0]
        client.post(f"/quizzes/review/{card}", data={"answer": "true"})
    end = client.get("/quizzes/review").get_data(as_text=True)
    assert "5 vragen herhaald" in end and 'href="/briefing/klaar"' in end
    done = client.get("/briefing/klaar").get_data(as_text=True)
    assert "Klaar voor de briefing" in done and "uit Quiz van de week" in done
    # Leaving the flow: a quiz started on its own offers no briefing step at its end.
    url = client.post("/quizzes/week-quiz/attempts").location
    client.post(url, data={"question_id": "q1", "answer": "true"})
    assert "Verder met de briefingvoorbereiding" not in client.get(url).get_data(as_text=True)


def test_step_out_of_range_is_404_and_reading_only_on_the_module_step(client, flow):
    assert client.get("/briefing/9").status_code == 404
    assert client.post("/briefing/2").status_code == 404
    assert db.session.scalar(db.select(QuizAttempt.id)) is None
