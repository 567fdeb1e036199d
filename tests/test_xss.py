"""XSS fixtures through the real pages: front matter, quiz texts and activity descriptions.

tests/learn covers the module body and tests/quizzes the question and feedback markdown with
substring checks; here every page is parsed and any executable markup at all is a failure.
"""
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest

from app.extensions import db
from app.models import Activity
from tests import factories
from tests.content.helpers import content_dir, write_module  # noqa: F401

PAYLOADS = ("<script>alert('x')</script> <img src=x onerror=alert(1)> "
            "<iframe src=\"https://evil.example\"></iframe> [klik](javascript:alert(1)) "
            "<a href=\"javascript:alert(2)\">a</a> <svg onload=alert(3)></svg> "
            "<object data=\"x.swf\"></object> <a href=\"data:text/html,<script>alert(4)</script>\">d</a>")


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src", "").startswith("/static/"):
            self.found.append(f"<script {attrs}>")
        if tag in ("iframe", "object", "embed", "frame"):
            self.found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction", "data") and value and \
                    value.strip().lower().startswith(("javascript:", "data:text", "vbscript:")):
                self.found.append(f"{tag} {name}={value[:30]}")


def executable_markup(html: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(html)
    return scanner.found


@pytest.fixture
def person(app, client, auth):
    user = factories.user(email="xss@example.nl", roles=("functionary", "author", "coordinator"))
    factories.competency("crisisdiagnose")
    auth.login("xss@example.nl")
    return user


def test_scanner_sees_what_it_must(app):
    # The check itself must be able to fail.
    assert executable_markup("<p onclick='x()'>a</p>") and executable_markup("<iframe></iframe>")
    assert executable_markup('<a href=" JavaScript:alert(1)">x</a>') and executable_markup("<script>1</script>")
    assert not executable_markup('<script src="/static/js/app.js?v=1" defer></script><a href="/x">x</a>')


def test_module_front_matter_and_body_are_neutralised_on_every_page(client, person, content_dir):
    write_module(content_dir, "boos.md", title=f"Titel {PAYLOADS}", summary="<script>alert(5)</script>",
                 tags=["<img src=x onerror=alert(6)>"], slug="boos",
                 body=f"# Kop\n\n{PAYLOADS}\n\n<div onmouseover=\"alert(7)\">tekst</div>\n\nEinde.\n")
    for url in ("/learn", "/learn?q=boos", "/learn/boos", "/author", "/author/preview/boos"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert executable_markup(response.get_data(as_text=True)) == [], url
    assert "Einde." in client.get("/learn/boos").get_data(as_text=True)


def test_quiz_texts_are_neutralised_on_quiz_attempt_and_feedback_pages(client, person, content_dir):
    quizzes = content_dir.parent / "quizzes"
    payload = PAYLOADS.replace('"', '\\"')
    (quizzes / "boos.yaml").write_text(f'''slug: boos
title: "Quiz <script>alert(8)</script>"
competencies: [crisisdiagnose]
questions:
  - id: q1
    type: single
    text: "Vraag {payload}"
    options:
      - text: "Goed <iframe src=x></iframe>"
        correct: true
        feedback: "Feedback {payload}"
      - text: "Fout <img src=x onerror=alert(9)>"
        correct: false
        feedback: "Nee {payload}"
    explanation: "Uitleg {payload}"
''', encoding="utf-8")
    pages = [client.get("/quizzes"), client.get("/quizzes/boos")]
    start = client.post("/quizzes/boos/attempts")
    attempt_url = start.location
    pages.append(client.get(attempt_url))
    client.post(attempt_url, data={"question_id": "q1", "option": "1"})
    pages.append(client.get(attempt_url + "/questions/q1"))
    pages.append(client.post(attempt_url, data={"question_id": "q1", "option": "0"},
                             headers={"HX-Request": "true"}))
    pages.append(client.get("/author/quizzes/boos"))
    for response in pages:
        assert response.status_code < 500
        assert executable_markup(response.get_data(as_text=True)) == [], response.request.path
    assert [r.status_code for r in pages] == [200, 200, 200, 200, 422, 200]  # 422: answered already
    assert "Vraag" in pages[2].get_data(as_text=True) and "Uitleg" in pages[3].get_data(as_text=True)


def test_activity_description_is_neutralised(client, person):
    starts = datetime.now().replace(microsecond=0) + timedelta(days=10)
    activity = Activity(region_id=person.region_id, kind="multi_exercise", title="Oefening <script>x</script>",
                        description=f"Omschrijving {PAYLOADS}", location="<img src=x onerror=alert(1)>",
                        starts_at=starts, ends_at=starts + timedelta(hours=2))
    db.session.add(activity)
    db.session.commit()
    for url in (f"/activities/{activity.id}", "/activities", "/activities/manage"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert executable_markup(response.get_data(as_text=True)) == [], url
    assert "Omschrijving" in client.get(f"/activities/{activity.id}").get_data(as_text=True)
