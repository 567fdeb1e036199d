"""Author page: every module with its problems, previews of unpublished modules, roles."""
import pytest

from tests import factories
from tests.conftest import HTMX
from tests.content.helpers import content_dir, write_module  # noqa: F401


@pytest.fixture
def files(content_dir):
    write_module(content_dir, "goed.md", title="Goede module")
    write_module(content_dir, "concept.md", title="Nog een concept", published=False,
                 body="Tekst <script>alert(1)</script> van het concept.\n")
    write_module(content_dir, "fout/kapot.md", raw_front="title: Kapotte module\nsummary: [niet af")
    write_module(content_dir, "code.md", title="Verkeerde code", competencies=["bestaat-niet"])
    return content_dir


def login_as(auth, role):
    factories.user(email=f"{role}@example.nl", roles=(role,), functions=())
    auth.login(f"{role}@example.nl")


@pytest.mark.parametrize("role", ["functionary", "coordinator"])
def test_other_roles_get_403(client, auth, files, role):
    login_as(auth, role)
    assert client.get("/author").status_code == 403
    assert client.get("/author/preview/concept").status_code == 403


@pytest.mark.parametrize("role", ["author", "admin"])
def test_author_page_lists_modules_with_their_problems(client, auth, files, role):
    login_as(auth, role)
    response = client.get("/author")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "fout/kapot.md" in page and "niet in de catalogus" in page
    assert "Regel 3: YAML-fout" in page
    assert "Regel 5: onbekende competentie &#39;bestaat-niet&#39;" in page
    assert "Nog een concept" in page and "niet gepubliceerd" in page
    assert "Goede module" in page and "gepubliceerd" in page
    # modules that are out of the catalogue come first
    assert page.index("fout/kapot.md") < page.index("Goede module")


def test_preview_shows_unpublished_module_sanitised(client, auth, files):
    login_as(auth, "author")
    page = client.get("/author/preview/concept").get_data(as_text=True)
    assert "Nog een concept" in page and "niet gepubliceerd" in page and "van het concept" in page
    assert "<script>alert" not in page
    assert client.get("/author/preview/concept", headers=HTMX).status_code == 200
    assert client.get("/learn/concept").status_code == 404  # still hidden from readers


def test_preview_of_module_with_problems_lists_them(client, auth, files):
    login_as(auth, "author")
    page = client.get("/author/preview/code").get_data(as_text=True)
    assert "Problemen:" in page and "onbekende competentie" in page


def test_preview_of_unknown_or_broken_module_is_404(client, auth, files):
    login_as(auth, "author")
    assert client.get("/author/preview/bestaat-niet").status_code == 404
    assert client.get("/author/preview/kapot").status_code == 404


def test_empty_content_dir(client, auth, content_dir):
    login_as(auth, "author")
    assert "Er staan nog geen modules" in client.get("/author").get_data(as_text=True)
