"""CSV downloads that Dutch Excel opens correctly with a double click.

Choices: UTF-8 with a byte-order mark (without it Excel guesses Windows-1252 and breaks é, ë, ’);
semicolon as separator (Excel with Dutch regional settings splits on ';' because ',' is the decimal
separator); CRLF line ends and minimal quoting by the csv module (fields with ';', '"' or a line break
are quoted, quotes doubled); whole numbers only, so no decimal separator question. Text that starts
with = + - @ (or a tab/CR) gets a leading apostrophe so Excel shows it instead of running it as a
formula (CSV injection via a name or note).
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from flask import Response

BOM = "\ufeff"
DELIMITER = ";"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (int,)):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text


def to_csv(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return BOM + out.getvalue()


def safe_filename(name: str) -> str:
    """ASCII letters, digits, dot, dash: a filename every browser and OS accepts as is."""
    cleaned = re.sub(r"[^A-Za-z0-9.-]+", "-", name).strip("-.")
    return (cleaned or "export")[:100] + ".csv"


def csv_response(filename: str, header: list[str], rows) -> Response:
    response = Response(to_csv(header, rows).encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    return response
