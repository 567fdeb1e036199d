"""Server-rendered bar charts: geometry computed here, drawn by templates/monitor/_chart.svg.html.

No chart library and no script: an inline <svg role="img"> with <title> and <desc>, colours as SVG
presentation attributes (allowed by the CSP, unlike style attributes), and the page always shows the
same numbers in a table. Colour is never the only cue: segments keep a fixed order, carry their
number when there is room, and "achter" is hatched.
"""
from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 320            # viewBox width; the SVG scales to its container (320 px phones first)
LABEL_HEIGHT = 16      # a row's label line above its bar(s)
BAR_HEIGHT = 18
BAR_GAP = 3            # between the bars of one row (grouped charts)
ROW_GAP = 10
LEGEND_LINE = 18       # one line of the legend; it wraps when it does not fit the width
CHAR_WIDTH = 6.6       # rough width of a 12px character, to lay out labels and the legend
LABEL_CHARS = 44       # longer labels are shortened in the picture; the table has them in full
MIN_TEXT_WIDTH = 18    # a segment narrower than this shows no number

# Status series of the monitor: fill, text colour on the fill, optional hatch. Fills have at least
# 3:1 contrast with white (WCAG 1.4.11); the numbers on them are white.
STATUS_SERIES = [
    ("done", "Op norm", "#1a6b2f"),
    ("at_risk", "Let op", "#8a4b00"),
    ("behind", "Achter", "#a3161c"),
]
DEMAND_SUPPLY_SERIES = [
    ("demand", "Vraag (gekozen in plannen)", "#0b4f6c"),
    ("supply", "Aanbod (plaatsen)", "#8a4b00"),
]
HATCHED = {"behind"}


@dataclass
class Segment:
    key: str
    label: str
    value: int
    x: float
    width: float
    fill: str
    hatched: bool
    show_value: bool

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2


@dataclass
class Bar:
    y: float
    segments: list[Segment]
    total: int
    end_x: float            # where the bar ends: the total is written just after it


@dataclass
class Row:
    label: str
    short_label: str
    label_y: float
    bars: list[Bar]


@dataclass
class Chart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    rows: list[Row]
    legend: list[tuple[str, str, str, bool, float, float]] = field(default_factory=list)  # key, label, fill, hatch, x, y
    empty: bool = False

    @property
    def hatch_id(self) -> str:
        return f"{self.id}-hatch"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def _legend(series, hatched) -> tuple[list, float]:
    """Legend items left to right, wrapping to a new line; returns the items and the height used."""
    legend, x, y = [], 0.0, 4.0
    for key, label, fill in series:
        width = 16 + len(label) * CHAR_WIDTH
        if x and x + width > WIDTH:
            x, y = 0.0, y + LEGEND_LINE
        legend.append((key, label, fill, key in hatched, x, y))
        x += width + 12
    return legend, y + LEGEND_LINE


def _bar(values: dict, series, y: float, scale: float, hatched) -> Bar:
    x, segments = 0.0, []
    for key, label, fill in series:
        value = int(values.get(key) or 0)
        width = value * scale
        if value:
            segments.append(Segment(key, label, value, round(x, 2), round(width, 2), fill, key in hatched,
                                    width >= MIN_TEXT_WIDTH))
        x += width
    return Bar(y=y, segments=segments, total=sum(int(values.get(k) or 0) for k, _, _ in series), end_x=round(x, 2))


def bar_chart(chart_id: str, title: str, desc: str, rows: list[tuple[str, dict]], series=STATUS_SERIES,
              stacked: bool = True, hatched=HATCHED) -> Chart:
    """Horizontal bars, one row per (label, {series key: value}).

    stacked: one bar per row with a segment per series (e.g. op norm / let op / achter);
    otherwise one bar per series in each row (e.g. demand against supply), on one common scale.
    """
    totals = [sum(int(v.get(k) or 0) for k, _, _ in series) if stacked
              else max((int(v.get(k) or 0) for k, _, _ in series), default=0) for _, v in rows]
    biggest = max(totals, default=0)
    # Leave room after the longest bar for its total.
    scale = (WIDTH - 36) / biggest if biggest else 0
    legend, y = _legend(series, hatched)
    y += 4
    chart_rows = []
    for label, values in rows:
        label_y = y + 12
        y += LABEL_HEIGHT
        if stacked:
            bars = [_bar(values, series, y, scale, hatched)]
            y += BAR_HEIGHT
        else:
            bars = []
            for item in series:
                bars.append(_bar(values, [item], y, scale, hatched))
                y += BAR_HEIGHT + BAR_GAP
            y -= BAR_GAP
        chart_rows.append(Row(label, _short(label), label_y, bars))
        y += ROW_GAP
    return Chart(id=chart_id, title=title, desc=desc, width=WIDTH, height=int(y), rows=chart_rows,
                 legend=legend, empty=biggest == 0)


def describe_statuses(rows: list[tuple[str, dict]]) -> str:
    """A one-paragraph text alternative: per row the three counts, in words."""
    parts = []
    for label, values in rows:
        parts.append(f"{label}: {values.get('done', 0)} op norm, {values.get('at_risk', 0)} let op, "
                     f"{values.get('behind', 0)} achter")
    return "; ".join(parts) + "." if parts else "Geen gegevens."
