"""`flask demo seed`: the demo region from CONTRACT section 6, idempotent."""
from app.extensions import db
from app.models import Region, Competency, Function, Norm, User

CONTRACT_COMPETENCIES = {
    "crisissensitiviteit", "crisisdiagnose", "flexibele-crisisorganisatie", "gedeeld-situationeel-bewustzijn",
    "kritieke-momenten", "werken-vanuit-doelstellingen", "eenheid-van-inspanning",
    "vergaderen-op-crisisdynamiek", "nafase", "leiderschap"}


def _rows_per_table():
    with db.engine.connect() as conn:
        return {table.name: conn.scalar(db.select(db.func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def test_a_second_seed_adds_nothing_to_any_table(demo, runner):
    first = _rows_per_table()
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    changed = {name: (n, after) for (name, n), after in zip(first.items(), _rows_per_table().values()) if n != after}
    assert changed == {}
    assert "nieuwe accounts 0" in second.output


def test_seed_creates_the_contract_accounts_and_competencies(demo):
    roles = {u.email: u.roles for u in db.session.scalars(db.select(User))}
    assert roles["functionaris@demo.paraat.nl"] == {"functionary"}
    assert roles["auteur@demo.paraat.nl"] == {"author"}
    assert roles["coordinator@demo.paraat.nl"] == {"coordinator"}
    assert roles["beheer@demo.paraat.nl"] == {"admin"}
    functionaries = [u for u in db.session.scalars(db.select(User)) if u.function_rows]
    assert len(functionaries) >= 40
    assert {c.code for c in db.session.scalars(db.select(Competency))} == CONTRACT_COMPETENCIES


def test_seeded_norms_match_the_policy(demo):
    ol_multi = db.session.scalar(
        db.select(Norm).join(Norm.function).where(Function.code == "OL", Norm.year == 2026)
        .join(Norm.activity_kind).filter_by(code="multi_exercise"))
    assert (ol_multi.period, ol_multi.count) == ("per_year", 2)
    briefings = {n.function.code: n for n in db.session.scalars(
        db.select(Norm).join(Norm.function).where(Norm.year == 2026)
        .join(Norm.activity_kind).filter_by(code="ops_briefing"))}
    # Bijlage 1: BA "Operationele briefing (1x per 5 weken)", OL "(1x per 5 weken of bij dienst)".
    assert (briefings["BA"].period, briefings["BA"].weeks, briefings["BA"].or_when_on_duty) == ("every_weeks", 5, False)
    assert (briefings["OL"].period, briefings["OL"].weeks, briefings["OL"].or_when_on_duty) == ("every_weeks", 5, True)
    caco = db.session.scalar(db.select(Norm).join(Norm.function).where(Function.code == "CACO", Norm.year == 2026)
                             .join(Norm.activity_kind).filter_by(code="table_exercise_4h"))
    assert (caco.count, caco.informational) == (7, True)
    region = db.session.scalar(db.select(Region))
    assert (region.policy_start, region.policy_end, region.rating_ok_percent) == (2026, 2029, 80)


def test_demo_login_works(demo, client):
    response = client.post("/login", data={"email": "functionaris@demo.paraat.nl", "password": "paraat-demo"})
    assert response.status_code == 302
    assert "Operationeel Leider" in client.get("/").get_data(as_text=True)


def test_seed_refused_in_production(app, runner):
    app.config["APP_ENV"] = "production"
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 1 and "uitgeschakeld" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_broken_norms_file_reports_path_and_line(tmp_path):
    import pytest
    from app.norms.loader import NormsFileError, read_norms_file
    broken = tmp_path / "norms.yaml"
    broken.write_text("functions:\n  OL:\n    name: x\n  - kapot: [\n")
    with pytest.raises(NormsFileError, match=r"norms\.yaml:\d+: "):
        read_norms_file(broken)


def test_seed_if_empty_skips_a_database_with_users(app, runner):
    from tests import factories
    factories.user(email="echt@example.nl")
    result = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert result.exit_code == 0 and "overgeslagen" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
