"""Symlinks and YAML aliases in the content folder (issue 15 section 4): never followed, never expanded,
always reported by `content check` as `path:line: message`."""
import os

import pytest

from tests import factories
from tests.content.helpers import content_dir, quiz_dir, write_module, write_quiz  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
BOMB = """title: Bom
summary: Klein bestand, grote pagina.
competencies: [crisisdiagnose]
level: basis
minutes: 4
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
tags: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]"""


def check(runner):
    result = runner.invoke(args=["content", "check"])
    return result.exit_code, result.output


@pytest.fixture
def reader(app, auth):
    person = factories.user(email="ol@example.nl", functions=("OL",))
    auth.login("ol@example.nl")
    return person


def test_a_symlinked_image_never_serves_a_file_from_outside(client, reader, content_dir, tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("geheim-dat-niemand-mag-zien")
    (content_dir / "media").mkdir()
    os.symlink(secret, content_dir / "media" / "leak.png")
    (content_dir / "media" / "echt.png").write_bytes(PNG)
    os.symlink(tmp_path, content_dir / "map.png")  # a link to a folder is no way out either
    leak = client.get("/learn/media/media/leak.png")
    assert leak.status_code == 404 and b"geheim" not in leak.data
    assert client.get("/learn/media/map.png/secret_key").status_code == 404
    assert client.get("/learn/media/media/echt.png").data == PNG  # a real image is still served


def test_content_check_reports_every_symlink_at_line_1_and_lists_no_linked_module(runner, app, content_dir,
                                                                                   quiz_dir, tmp_path):
    outside = write_module(tmp_path, "buiten.md", title="Van buiten")
    write_module(content_dir, "goed.md", title="Goed")
    os.symlink(outside, content_dir / "gelinkt.md")
    os.symlink(tmp_path / "quizzes" / "x.yaml", quiz_dir / "link.yaml")
    code, output = check(runner)
    assert code == 1
    assert f"{content_dir / 'gelinkt.md'}:1: symbolische link" in output
    assert f"{quiz_dir / 'link.yaml'}:1: symbolische link" in output
    from app.content.catalogue import get_catalogue
    assert [m.title for m in get_catalogue(force=True).published] == ["Goed"]


def test_two_folder_links_pointing_at_each_other_do_not_hang_the_scan(runner, content_dir):
    write_module(content_dir, "goed.md")
    (content_dir / "a").mkdir()
    os.symlink(content_dir / "b", content_dir / "a" / "naar-b")
    os.symlink(content_dir / "a", content_dir / "b")
    os.symlink(content_dir, content_dir / "a" / "rond")
    code, output = check(runner)
    assert code == 1
    lines = [row for row in output.splitlines() if "symbolische link" in row]
    assert len(lines) == 3 and all(":1: " in row for row in lines)


def test_a_yaml_alias_bomb_in_front_matter_is_refused_at_its_line(runner, client, reader, content_dir):
    write_module(content_dir, "bom.md", raw_front=BOMB)
    write_module(content_dir, "gewoon.md", summary="Let op: **vet** en * een sterretje")
    code, output = check(runner)
    assert code == 1
    assert f"{content_dir / 'bom.md'}:8: YAML-alias '*a' is niet toegestaan" in output
    assert "gewoon.md" not in output  # a '*' in a value is no alias
    assert client.get("/learn/bom").status_code == 404  # left out of the catalogue
    page = client.get("/learn")
    assert len(page.data) < 100_000 and "Gewoon" in page.get_data(as_text=True)


def test_a_yaml_alias_in_a_quiz_file_is_refused_and_the_quiz_left_out(runner, client, reader, content_dir, quiz_dir):
    write_quiz(quiz_dir, "goed")
    (quiz_dir / "bom.yaml").write_text(
        "slug: bom\ntitle: &t Bom\ncompetencies: [crisisdiagnose]\nquestions:\n"
        "  - id: q1\n    type: truefalse\n    text: *t\n    answer: true\n", encoding="utf-8")
    code, output = check(runner)
    assert code == 1
    assert f"{quiz_dir / 'bom.yaml'}:7: YAML-alias '*t' is niet toegestaan" in output
    assert client.get("/quizzes/bom").status_code == 404
    assert client.get("/quizzes/goed").status_code == 200
