"""Front matter parsing: data, body and the file line numbers used in error messages."""
import pytest

from app.content.frontmatter import FrontMatterError, split
from app.content.modules import parse_file, valid_iso_week


def test_split_returns_data_body_and_lines():
    fm = split("---\ntitle: Test\ncompetencies:\n  - a\n  - b\n---\n# Kop\n\nTekst\n")
    assert fm.data == {"title": "Test", "competencies": ["a", "b"]}
    assert fm.body.startswith("# Kop")
    assert fm.body_line == 7
    assert fm.key_lines == {"title": 2, "competencies": 3}
    assert fm.item_lines["competencies"] == [4, 5]


def test_flow_list_items_have_the_key_line():
    fm = split("---\ntitle: T\nfunctions: [OL, BA]\n---\nx")
    assert fm.item_lines["functions"] == [3, 3]


def test_byte_order_mark_and_windows_line_endings_are_accepted(tmp_path):
    path = tmp_path / "m.md"
    path.write_bytes("\ufeff---\r\ntitle: T\r\nsummary: S\r\ncompetencies: [a]\r\nlevel: basis\r\nminutes: 3\r\n---\r\nTekst\r\n"
                     .encode("utf-8"))
    parsed = parse_file(path, tmp_path, "m.md")
    assert parsed.listed and parsed.module.title == "T" and parsed.module.body.strip() == "Tekst"


@pytest.mark.parametrize("text, line, words", [
    ("geen front matter\n", 1, "moet beginnen met"),
    ("---\ntitle: T\n", 1, "niet afgesloten"),
    ("---\ntitle: T\nsummary: [open\nlevel: basis\n---\nx", 4, "YAML-fout"),
    ("---\ntitle: T\n  bad: indent\n---\nx", 3, "YAML-fout"),
    ("---\n- a\n- b\n---\nx", 2, "velden"),
])
def test_broken_front_matter_reports_the_line(text, line, words):
    with pytest.raises(FrontMatterError) as error:
        split(text)
    assert error.value.line == line
    assert words in error.value.message


def test_yaml_error_names_where_the_construct_began():
    with pytest.raises(FrontMatterError) as error:
        split("---\ntitle: [open\nsummary: s\n---\nx")
    assert "begonnen op regel 2" in error.value.message


def test_defaults_slug_from_file_name_and_published_true(tmp_path):
    path = tmp_path / "grip-rollen.md"
    path.write_text("---\ntitle: T\nsummary: S\ncompetencies: [a]\nlevel: basis\nminutes: 3\n---\nTekst\n")
    module = parse_file(path, tmp_path, "grip-rollen.md").module
    assert module.slug == "grip-rollen" and module.published is True
    assert module.functions == () and module.tags == () and module.quiz is None


@pytest.mark.parametrize("week, ok", [("2026-W49", True), ("2026-W53", True), ("2025-W53", False),
                                      ("2026-W00", False), ("2026-49", False), ("26-W01", False)])
def test_iso_week_format(week, ok):
    assert valid_iso_week(week) is ok
