"""Learn pages: catalogue (page and htmx fragment), module page, safety of module HTML, mark as read,
module images, unpublished modules, the start-page card."""
from datetime import date

import pytest

from app.content.modules import iso_week
from app.extensions import db
from app.models import ModuleRead, PortfolioEntry
from tests import factories
from tests.conftest import HTMX
from tests.content.helpers import content_dir, quiz_dir, write_module, write_quiz  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.fixture
def reader(app, auth):
    person = factories.user(email="ol@example.nl", functions=("OL",))
    factories.competency("crisisdiagnose", name="Crisisdiagnose")
    factories.competency("nafase", name="Nafase")
    auth.login("ol@example.nl")
    return person


@pytest.fixture
def modules(content_dir):
    write_module(content_dir, "diagnose.md", title="Diagnose in vijf vragen", functions=["OL"],
                 summary="Wat staat er op het spel?", tags=["diagnose"], minutes=3)
    write_module(content_dir, "nafase.md", title="Nafase begint meteen", competencies=["nafase"],
                 functions=["BA"], level="gevorderd")
    write_module(content_dir, "tweede.md", title="Tweede over diagnose", summary="Verdieping.")
    write_module(content_dir, "concept.md", title="Geheim concept", published=False)
    return content_dir


def test_anonymous_is_sent_to_login(client, content_dir):
    for path in ["/learn", "/learn/diagnose", "/learn/media/x.png"]:
        assert "/login" in client.get(path).location


def test_catalogue_page_lists_published_modules_own_function_first(client, reader, modules):
    response = client.get("/learn")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in page and "HX-Request" in response.headers["Vary"]
    assert "3 modules" in page and "Geheim concept" not in page
    assert page.index("Voor jouw functie") < page.index("Diagnose in vijf vragen") < page.index("Andere modules")
    assert page.index("Andere modules") < page.index("Nafase begint meteen")
    assert "3 min · basis · Crisisdiagnose" in page  # competency name from the database


def test_filters_work_as_plain_get_and_as_htmx_fragment(client, reader, modules):
    page = client.get("/learn?competency=nafase").get_data(as_text=True)
    assert "Nafase begint meteen" in page and "Diagnose in vijf vragen" not in page
    assert '<option value="nafase" selected>' in page and "<html" in page
    fragment = client.get("/learn?level=gevorderd", headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and "Nafase begint meteen" in fragment and "Diagnose in vijf" not in fragment
    assert 'data-status="1 module gevonden"' in fragment  # announced to screen readers
    fragment = client.get("/learn?tag=diagnose", headers=HTMX).get_data(as_text=True)
    assert "Diagnose in vijf vragen" in fragment and "Tweede over diagnose" not in fragment


def test_search_in_title_and_summary(client, reader, modules):
    fragment = client.get("/learn?q=diagnose", headers=HTMX).get_data(as_text=True)
    assert "Diagnose in vijf vragen" in fragment and "Tweede over diagnose" in fragment
    assert "Nafase" not in fragment
    fragment = client.get("/learn?q=spel", headers=HTMX).get_data(as_text=True)
    assert "Diagnose in vijf vragen" in fragment and "1 module gevonden" in fragment
    fragment = client.get("/learn?q=onvindbaar", headers=HTMX).get_data(as_text=True)
    assert "Geen modules gevonden" in fragment


def test_unknown_filter_values_are_harmless(client, reader, modules):
    response = client.get("/learn?level=<script>&page=abc&competency=x")
    assert response.status_code == 200 and "<script>" not in response.get_data(as_text=True)


def test_module_page_shows_text_reading_time_competencies_and_neighbours(client, reader, modules):
    write_module(modules, "derde.md", title="Zzz laatste diagnose", body="## Kop\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    page = client.get("/learn/diagnose").get_data(as_text=True)
    assert "<h1 id=\"module-title\">Diagnose in vijf vragen</h1>" in page
    assert "Leestijd 3 minuten" in page and '<a href="/learn?competency=crisisdiagnose">Crisisdiagnose</a>' in page
    assert "Markeer als gelezen" in page
    assert 'rel="next"' in page and "Tweede over diagnose" in page and 'rel="prev"' not in page
    last = client.get("/learn/derde").get_data(as_text=True)
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert '<div class="table-scroll" tabindex="0"><table>' in last


def test_unknown_and_unpublished_modules_are_404(client, reader, modules):
    assert client.get("/learn/bestaat-niet").status_code == 404
    assert client.get("/learn/concept").status_code == 404
    assert client.post("/learn/concept/read").status_code == 404


@pytest.mark.parametrize("body, forbidden", [
    ("Hallo <script>alert('x')</script> daar", ["<script", "alert('x')</script>"]),
    ("[klik](javascript:alert(1))", ["javascript:"]),
    ('<img src="x.png" onerror="alert(1)">', ["onerror"]),
    ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil.example"]),
    ('<a href="https://example.org" onclick="steal()">x</a>', ["onclick", "steal()"]),
    ('<p style="position:fixed">x</p>', ["position:fixed"]),
    ("![x](https://evil.example/track.png)", ["evil.example"]),
])
def test_module_html_is_sanitised(client, reader, content_dir, body, forbidden):
    write_module(content_dir, "xss.md", title="Veilig", body=f"Begin.\n\n{body}\n\nEinde.\n")
    page = client.get("/learn/xss").get_data(as_text=True)
    article = page[page.index('<div class="prose module-body">'):page.index("Einde.")]
    for text in forbidden:
        assert text not in article
    assert "Begin." in page


def test_external_links_get_noopener_and_relative_links_are_rewritten(client, reader, content_dir):
    (content_dir / "map").mkdir()
    (content_dir / "map" / "kaart.png").write_bytes(PNG)
    write_module(content_dir, "doel.md", title="Doel")
    write_module(content_dir, "map/bron.md", title="Bron",
                 body="[web](https://www.nctv.nl) [doel](../doel.md#kop) ![Kaart van Twente](kaart.png)\n")
    page = client.get("/learn/bron").get_data(as_text=True)
    assert 'href="https://www.nctv.nl" rel="noopener noreferrer"' in page
    assert 'href="/learn/doel#kop"' in page
    assert 'src="/learn/media/map/kaart.png"' in page and 'alt="Kaart van Twente"' in page
    image = client.get("/learn/media/map/kaart.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert "sandbox" in image.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/learn/media/../secret.png", "/learn/media/%2e%2e/secret.png",
                                  "/learn/media/..%2fsecret.png", "/learn/media//etc/passwd",
                                  "/learn/media/module.md", "/learn/media/.hidden/x.png",
                                  "/learn/media/bestaat-niet.png"])
def test_media_route_refuses_traversal_and_non_images(client, reader, content_dir, path):
    (content_dir.parent / "secret.png").write_bytes(PNG)
    write_module(content_dir, "module.md")
    (content_dir / ".hidden").mkdir()
    (content_dir / ".hidden" / "x.png").write_bytes(PNG)
    response = client.get(path, follow_redirects=True)  # werkzeug first merges a double slash
    assert response.status_code == 404
    assert PNG not in response.data


def test_mark_as_read_without_javascript(client, reader, modules):
    response = client.post("/learn/diagnose/read")
    assert response.status_code == 302 and response.location.endswith("/learn/diagnose")
    page = client.get(response.location).get_data(as_text=True)
    assert "Gemarkeerd als gelezen." in page and "Markeer als gelezen</button>" not in page
    assert "Gelezen</span> op" in page
    client.post("/learn/diagnose/read")
    assert "al als gelezen gemarkeerd" in client.get("/learn/diagnose").get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ModuleRead)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(PortfolioEntry)) == 1
    assert "gelezen</span>" in client.get("/learn").get_data(as_text=True)  # badge in the catalogue


def test_mark_as_read_with_htmx_returns_the_state_fragment(client, reader, modules):
    response = client.post("/learn/diagnose/read", headers=HTMX)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert 'data-status="Gemarkeerd als gelezen"' in fragment
    again = client.post("/learn/diagnose/read", headers=HTMX)
    assert again.status_code == 200
    assert db.session.scalar(db.select(db.func.count()).select_from(ModuleRead)) == 1


@pytest.mark.csrf
def test_mark_as_read_needs_the_csrf_token(client, reader, modules):
    assert client.post("/learn/diagnose/read").status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(ModuleRead)) == 0


def test_a_module_with_broken_front_matter_does_not_break_the_site(client, reader, modules):
    write_module(modules, "kapot.md", raw_front="title: [niet af\nsummary: x")
    (modules / "binair.md").write_bytes(b"---\ntitle: \xff\xfe\n---\n")
    response = client.get("/learn")
    assert response.status_code == 200 and "3 modules" in response.get_data(as_text=True)
    assert client.get("/learn/kapot").status_code == 404
    assert client.get("/").status_code == 200


def test_missing_content_dir_gives_an_empty_catalogue(app, client, reader, content_dir):
    app.config["CONTENT_DIR"] = str(content_dir / "bestaat-niet")
    response = client.get("/learn")
    assert response.status_code == 200 and "0 modules" in response.get_data(as_text=True)


def test_quiz_link_only_when_the_quiz_exists(client, reader, content_dir, quiz_dir):
    write_module(content_dir, "met.md", quiz="diagnose-basis")
    write_module(content_dir, "zonder.md", quiz="ontbreekt")
    write_quiz(quiz_dir, "diagnose-basis")
    assert 'href="/quizzes/diagnose-basis"' in client.get("/learn/met").get_data(as_text=True)
    assert "/quizzes/" not in client.get("/learn/zonder").get_data(as_text=True)


def test_start_page_card_shows_this_weeks_module_and_read_state(client, reader, content_dir):
    write_module(content_dir, "week.md", title="Module voor de briefing", briefing_week=iso_week(date.today()))
    write_module(content_dir, "ander.md", title="Iets anders")
    page = client.get("/").get_data(as_text=True)
    card = page[page.index('id="section-briefing_module"'):]
    assert "Voor de operationele briefing van deze week" in card and "Module voor de briefing" in card
    assert "gelezen</span>" not in card[:card.index("</section>")]
    client.post("/learn/week/read")
    card = client.get("/").get_data(as_text=True).split('id="section-briefing_module"')[1].split("</section>")[0]
    assert "Module voor de briefing" in card and "gelezen</span>" in card


def test_a_module_whose_file_is_gone_answers_410_with_its_title_and_the_catalogue(client, reader, modules):
    client.post("/learn/diagnose/read")
    (modules / "diagnose.md").unlink()
    gone = client.get("/learn/diagnose")
    page = gone.get_data(as_text=True)
    assert gone.status_code == 410 and "Deze module bestaat niet meer" in page
    assert "Diagnose in vijf vragen" in page and 'href="/learn"' in page
    fragment = client.get("/learn/diagnose", headers=HTMX)
    assert fragment.status_code == 410 and "<html" not in fragment.get_data(as_text=True)
    assert client.get("/learn/nooit-bestaan").status_code == 404


def test_module_page_shows_when_the_file_last_changed_and_marks_it_updated_after_reading(client, reader, modules):
    import os
    client.post("/learn/diagnose/read")
    page = client.get("/learn/diagnose").get_data(as_text=True)
    assert "Laatst gewijzigd" in page and "bijgewerkt sinds je hem las" not in page
    future = (modules / "diagnose.md").stat().st_mtime + 3600
    os.utime(modules / "diagnose.md", (future, future))
    assert "bijgewerkt sinds je hem las" in client.get("/learn/diagnose").get_data(as_text=True)
    assert "Bijgewerkt sinds je ze las" in client.get("/").get_data(as_text=True)


def test_two_taps_from_the_start_page_to_the_first_question(client, reader, content_dir, quiz_dir):
    write_module(content_dir, "week.md", title="Module voor de briefing", briefing_week=iso_week(date.today()),
                 quiz="diagnose-basis")
    write_quiz(quiz_dir, "diagnose-basis")
    card = client.get("/").get_data(as_text=True).split('id="section-briefing_module"')[1].split("</section>")[0]
    assert 'action="/quizzes/diagnose-basis/attempts"' in card and "Start de oefentoets bij deze module" in card
    response = client.post("/quizzes/diagnose-basis/attempts")       # tap 1 (a plain form post)
    page = client.get(response.location).get_data(as_text=True)      # the redirect: the first question
    assert "Vraag 1 van 1" in page and "Bij GRIP 2 is een ROT actief." in page
    # The module page has the quiz link at the top too, before the text.
    module = client.get("/learn/week").get_data(as_text=True)
    assert module.index('href="/quizzes/diagnose-basis"') < module.index("<h1")
