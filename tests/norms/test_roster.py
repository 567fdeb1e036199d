"""The piket roster: CSV import (service and `flask roster import`) and a person's own duty periods."""
from datetime import date

import pytest

from app.extensions import db
from app.models import DutyPeriod
from app.norms.roster import RosterError, duty_of, import_roster
from tests import factories


def test_import_reads_excel_csv_and_is_idempotent(app):
    a = factories.user(email="a@example.nl")
    b = factories.user(email="b@example.nl")
    text = "\ufeffE-mail;Begin;Eind\r\na@example.nl;4-5-2026;10-5-2026\r\n;;\r\nb@example.nl;2026-06-01;2026-06-07\r\n"
    result = import_roster(text, "r.csv")
    db.session.commit()
    assert (result.added, result.existing, result.people) == (2, 0, 2)
    assert [(p.start, p.end) for p in duty_of(a)] == [(date(2026, 5, 4), date(2026, 5, 10))]
    assert import_roster(text, "r.csv").added == 0
    assert len(duty_of(b, since=date(2026, 6, 8))) == 0


@pytest.mark.parametrize("line,message", [
    ("a@example.nl;4-5-2026", "r.csv:1: verwacht 3 kolommen"),
    ("x@example.nl;4-5-2026;10-5-2026", "r.csv:1: onbekend e-mailadres 'x@example.nl'."),
    ("a@example.nl;10-5-2026;4-5-2026", "r.csv:1: de einddatum 4-5-2026 ligt voor de begindatum"),
    ("a@example.nl;mei;10-5-2026", "r.csv:1: ongeldige datum 'mei'"),
    ("a@example.nl;1-1-2026;31-12-2026", "r.csv:1: een dienstperiode van meer dan 62 dagen"),
    ("", "r.csv:1: het rooster bevat geen dienstperiodes"),
])
def test_bad_lines_are_named_and_nothing_is_saved(app, line, message):
    factories.user(email="a@example.nl")
    with pytest.raises(RosterError) as exc:
        import_roster(line + "\n", "r.csv")
    assert message in str(exc.value)


def test_cli_imports_and_reports_problems_with_exit_1(app, runner, tmp_path):
    factories.user(email="a@example.nl")
    db.session.commit()
    good = tmp_path / "rooster.csv"
    good.write_text("a@example.nl;4-5-2026;10-5-2026\n", encoding="utf-8")
    result = runner.invoke(args=["roster", "import", str(good)])
    assert result.exit_code == 0 and "1 dienstperiode(s) toegevoegd" in result.output
    bad = tmp_path / "fout.csv"
    bad.write_text("a@example.nl;11-5-2026;17-5-2026\nb@example.nl;1-6-2026;7-6-2026\n", encoding="utf-8")
    result = runner.invoke(args=["roster", "import", str(bad)])
    assert result.exit_code == 1 and f"{bad}:2: onbekend e-mailadres 'b@example.nl'." in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(DutyPeriod)) == 1
    assert runner.invoke(args=["roster", "import", str(tmp_path / "nee.csv")]).exit_code == 2
