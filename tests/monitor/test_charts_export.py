"""SVG chart geometry and template, and the CSV format Dutch Excel opens."""
import csv
import io
import re

from flask import render_template_string

from app.monitor import charts
from app.csv_export import BOM, csv_response, safe_filename, to_csv


def test_stacked_bars_are_proportional_and_keep_their_order():
    chart = charts.bar_chart("c1", "Titel", "Beschrijving", [
        ("Oefening", {"done": 2, "at_risk": 1, "behind": 1}),
        ("Briefing", {"done": 0, "at_risk": 0, "behind": 0})])
    first = chart.rows[0].bars[0]
    assert [s.key for s in first.segments] == ["done", "at_risk", "behind"]
    widths = [s.width for s in first.segments]
    assert abs(widths[0] - 2 * widths[1]) < 0.05 and abs(widths[1] - widths[2]) < 0.05
    assert first.segments[1].x == first.segments[0].width and first.total == 4
    assert [s.hatched for s in first.segments] == [False, False, True]
    assert chart.rows[1].bars[0].segments == [] and chart.rows[1].bars[0].total == 0
    assert max(s.x + s.width for s in first.segments) <= chart.width


def test_grouped_bars_share_one_scale():
    chart = charts.bar_chart("c2", "T", "D", [("Crisisdiagnose", {"demand": 4, "supply": 2})],
                             series=charts.DEMAND_SUPPLY_SERIES, stacked=False, hatched=set())
    demand, supply = chart.rows[0].bars
    assert demand.segments[0].width == 2 * supply.segments[0].width
    assert supply.y > demand.y


def test_long_labels_are_shortened_in_the_picture_only():
    label = "Persoonlijk ontwikkeltraject (zelfgekozen crisiscompetentie) met een lange naam"
    row = charts.bar_chart("c3", "T", "D", [(label, {"done": 1})]).rows[0]
    assert row.label == label and row.short_label.endswith("…") and len(row.short_label) <= charts.LABEL_CHARS


def test_svg_is_accessible_and_has_no_style_attributes(app):
    chart = charts.bar_chart("chart-ol", "OL: mensen per norm", charts.describe_statuses(
        [("Oefening", {"done": 3, "at_risk": 1, "behind": 2})]),
        [("Oefening", {"done": 3, "at_risk": 1, "behind": 2})])
    with app.test_request_context():
        svg = render_template_string('{% from "monitor/_chart.svg.html" import bar_chart %}{{ bar_chart(c) }}', c=chart)
    assert 'role="img"' in svg and 'aria-labelledby="chart-ol-title chart-ol-desc"' in svg
    assert '<title id="chart-ol-title">OL: mensen per norm</title>' in svg
    assert "Oefening: 3 op norm, 1 let op, 2 achter." in svg
    assert not re.search(r"\sstyle\s*=", svg) and "<script" not in svg


def test_csv_has_bom_semicolons_quoting_and_no_formulas():
    text = to_csv(["Naam", "Toelichting", "Aantal"], [
        ["Jan; de Vries", 'Zei "ja"\nen nee', 3],
        ["=HYPERLINK(\"http://x\")", "-5 graden", None],
        ["Renée", True, 2.5]])
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Naam", "Toelichting", "Aantal"]
    assert rows[1] == ["Jan; de Vries", 'Zei "ja"\nen nee', "3"]
    assert rows[2] == ["'=HYPERLINK(\"http://x\")", "'-5 graden", ""]
    assert rows[3] == ["Renée", "ja", "2,5"]
    assert "\r\n" in text


def test_csv_response_is_an_attachment_with_a_safe_name(app):
    with app.test_request_context():
        response = csv_response("paraat monitor/2026 ëOL", ["a"], [[1]])
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="paraat-monitor-2026-OL.csv"'
    assert response.get_data().startswith("\ufeff".encode("utf-8"))
    assert safe_filename("../../etc/passwd") == "etc-passwd.csv"
