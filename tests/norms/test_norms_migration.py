"""Regions that already run get the corrected norms file's fixes, but their own edits stay."""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from app import create_app, init_migrations

BEFORE = "f1d887b5d50c"
OLD_NEIGHBOURS = ("Buurregio's (IJsselland, VNOG) en Duitse buren (Kreis Borken, Grafschaft Bentheim) "
                  "minstens eens per beleidsperiode")


@pytest.mark.sqlite_only
def test_migration_corrects_old_values_and_keeps_edits(app, tmp_path):
    url = f"sqlite:///{tmp_path / 'running.db'}"
    running = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    init_migrations(running)
    with running.app_context():
        upgrade(revision=BEFORE)
    engine = create_engine(url)
    with engine.begin() as conn:
        run = conn.execute
        run(text("INSERT INTO region (id, code, name) VALUES (1, 'twente', 'Twente'), (2, 'eigen', 'Eigen')"))
        run(text("INSERT INTO function (id, region_id, code, name, is_key) VALUES "
                 "(1, 1, 'BA', 'Bestuursadviseur', 1), (2, 1, 'OL', 'OL', 1), (3, 2, 'BA', 'BA', 1)"))
        run(text("INSERT INTO activity_kind (id, region_id, code, name) VALUES "
                 "(1, 1, 'ops_briefing', 'Briefing'), (2, 2, 'ops_briefing', 'Briefing')"))
        # Twente's BA still holds the old file's "5 weeks or on duty"; the other region edited its BA norm
        # to 4 weeks (an edit: left alone).
        run(text("INSERT INTO norm (region_id, year, function_id, activity_kind_id, period, count, weeks, "
                 "or_when_on_duty) VALUES (1, 2026, 1, 1, 'every_weeks', 1, 5, 1), "
                 "(1, 2026, 2, 1, 'every_weeks', 1, 5, 1), (2, 2026, 3, 2, 'every_weeks', 1, 4, 1)"))
        run(text("INSERT INTO organisation_obligation (id, region_id, position, text) VALUES "
                 "(1, 1, 0, 'Jaarlijkse onverwachte systeemtest van de hoofdstructuur (Wvr art. 2.5.1)'), "
                 "(2, 1, 1, :n), (3, 1, 2, 'Tunneloefening eens per vier jaar'), "
                 "(4, 2, 0, 'Onze eigen systeemtest (aangepast)')"), {"n": OLD_NEIGHBOURS})
    with running.app_context():
        upgrade()
    with engine.connect() as conn:
        duty = dict(conn.execute(text("SELECT function_id, or_when_on_duty FROM norm")).all())
        obligations = conn.execute(text(
            "SELECT region_id, position, text, code FROM organisation_obligation ORDER BY region_id, position")).all()
        policy = dict(conn.execute(text("SELECT code, policy_start FROM region")).all())
    assert not duty[1] and duty[2]   # BA corrected, OL keeps "of bij dienst"
    assert duty[3]                   # another region's edited norm (4 weeks) is left alone
    texts = [(r, t, c) for r, _p, t, c in obligations]
    assert texts[0] == (1, "Jaarlijkse onverwachte systeemtest van de hoofdstructuur (Bvr art. 2.5.1)", "system_test")
    assert [t for r, t, _c in texts[1:5]] == [
        "Minstens eens per beleidsperiode oefenen met buurregio IJsselland",
        "Minstens eens per beleidsperiode oefenen met buurregio VNOG",
        "Minstens eens per beleidsperiode oefenen met Kreis Borken",
        "Minstens eens per beleidsperiode oefenen met Grafschaft Bentheim"]
    assert texts[5] == (1, "Tunneloefening eens per vier jaar", None)
    assert texts[6] == (2, "Onze eigen systeemtest (aangepast)", None)
    assert policy == {"twente": 2026, "eigen": None}
    with running.app_context():  # and the step can be undone
        downgrade(revision=BEFORE)
    engine.dispose()
