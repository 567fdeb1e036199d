"""Portfolio rules: manual entries, double submit, feedup/reflection, peer observation, privacy, export."""
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import (EntryCompetency, EntryGoal, ObservationNote, PeerObservation, PortfolioEntry,
                        Reflection)
from app.norms import services as norms
from app.norms.planned import Planned, register_planned_provider
from app.plan import services as plans
from app.portfolio import services
from tests import factories

TODAY = date(2026, 6, 1)


@pytest.fixture
def person(app):
    factories.competency("leiderschap")
    return factories.user(functions=("OL",))


def test_manual_deployment_and_double_submit_gives_one_entry(app, person):
    args = dict(nonce="tap-1", incident_type="Grote brand", role="OL", grip_level="2",
                competency_codes=["leiderschap"])
    entry, created = services.add_manual_entry(person, "deployment", date(2026, 5, 1), "Brand Usselo", **args)
    again, created_again = services.add_manual_entry(person, "deployment", date(2026, 5, 1), "Brand Usselo", **args)
    assert created and not created_again and again.id == entry.id
    assert db.session.scalar(db.select(db.func.count()).select_from(PortfolioEntry)) == 1
    assert (entry.grip_level, entry.incident_type) == ("2", "Grote brand")
    assert [c.code for c in services.entry_links(entry)[0]] == ["leiderschap"]


def test_manual_entry_refuses_what_the_form_cannot_send(app, person):
    """The form checks what was typed (tests/portfolio/test_forms.py); the service refuses the rest."""
    other = factories.user()
    others_goal = plans.add_goal(other, 2026, "Niet van mij")
    with pytest.raises(ValueError):
        services.add_manual_entry(person, "quiz", TODAY, "Iets", nonce="x")
    with pytest.raises(ValueError):
        services.add_manual_entry(person, "activity", TODAY, "Iets", nonce="x", activity_kind=None)
    with pytest.raises(services.PortfolioError, match="bestaat niet"):
        services.add_manual_entry(person, "other", TODAY, "Iets", nonce="x", competency_codes=["bestaat-niet"])
    with pytest.raises(services.PortfolioError, match="hoort niet bij jouw plan"):
        services.add_manual_entry(person, "other", TODAY, "Iets", nonce="x", goal_ids=[others_goal.id])
    assert db.session.scalar(db.select(db.func.count()).select_from(PortfolioEntry)) == 0


def test_manual_briefing_counts_for_ops_briefing_norm(app, person):
    factories.norm("OL", "ops_briefing", 2026, "every_weeks", 1, weeks=5)
    services.add_manual_entry(person, "briefing", date(2026, 5, 28), "Briefing", nonce="b")
    status = norms.progress(person, TODAY, planned=[])[0]
    assert status.deadline == date(2026, 7, 2) and status.status == "done"


def test_feedup_and_reflection_upsert_and_goal_link(app, person):
    goal = plans.add_goal(person, 2026, "Beter samenvatten")
    entry, _ = services.add_manual_entry(person, "activity", date(2026, 5, 1), "Multi", nonce="m",
                                         activity_kind="multi_exercise")
    services.save_feedup(person, "Samenvatten oefenen", entry=entry)
    services.save_feedup(person, "Samenvatten en besluiten", entry=entry)
    services.save_reflection(person, "Rustig", "Sneller beslissen", goal.id, entry=entry)
    texts = services.texts_for_entry(person, entry)
    assert texts["feedup"].learn == "Samenvatten en besluiten"
    assert (texts["reflection"].to_develop, texts["reflection"].goal_id) == ("Sneller beslissen", goal.id)
    with pytest.raises(services.PortfolioError, match="goed ging"):
        services.save_reflection(person, "", "", entry=entry)
    other_goal = plans.add_goal(factories.user(), 2026, "Niet van mij")
    with pytest.raises(services.PortfolioError, match="hoort niet bij"):
        services.save_reflection(person, "x", "", other_goal.id, entry=entry)


def test_feedup_on_activity_follows_to_attendance_entry_and_prompts(app, person):
    register_planned_provider(app, lambda user, start, end: [
        Planned("multi_exercise", date(2026, 6, 10), "Multi Hoogwater", "77")] if start <= date(2026, 6, 10) <= end
        else [])
    prompts = services.reflection_prompts(person, TODAY)
    assert [p.title for p in prompts["feedup"]] == ["Multi Hoogwater"]
    services.save_feedup(person, "Leren opschalen", activity_id=77, title="Multi Hoogwater")
    assert services.reflection_prompts(person, TODAY)["feedup"] == []
    # Attendance recorded by the activities feature: the feedup shows on the entry, a reflection is asked.
    entry = services.record_entry(person.id, "activity", date(2026, 6, 10), "Multi Hoogwater",
                                  activity_kind="multi_exercise", source="attendance", source_ref="77")
    later = date(2026, 6, 12)
    assert services.texts_for_entry(person, entry)["feedup"].learn == "Leren opschalen"
    assert [e.id for e in services.reflection_prompts(person, later)["reflection"]] == [entry.id]
    services.save_reflection(person, "Goed", "", entry=entry)
    assert services.reflection_prompts(person, later)["reflection"] == []
    # Attendance withdrawn: the entry goes, the text stays.
    services.remove_entry(person.id, "attendance", "77")
    assert services.text_for_activity(person, "feedup", 77) is not None


def test_peer_observation_flow_and_norm(app, person):
    factories.norm("OL", "peer_observation", 2026, "per_year", 1)
    colleague = factories.user(functions=("OL",))
    stranger = factories.user(functions=("BA",))
    goal = plans.add_goal(person, 2026, "Rust uitstralen")
    entry, _ = services.add_manual_entry(person, "activity", date(2026, 5, 1), "Multi", nonce="m",
                                         activity_kind="multi_exercise")
    assert [c.id for c in services.colleagues_for(person)] == [colleague.id]
    with pytest.raises(services.PortfolioError, match="dezelfde functie"):
        services.invite_observer(person, stranger.id, entry=entry)
    obs, created = services.invite_observer(person, colleague.id, entry=entry, nonce="i1")
    again, created_again = services.invite_observer(person, colleague.id, entry=entry, nonce="i1")
    assert created and not created_again and again.id == obs.id
    assert [g.text for g in services.observed_goals(obs)] == ["Rust uitstralen"]
    with pytest.raises(services.PortfolioError):
        services.record_observation(person, obs, {goal.id: "zelf"}, "")
    services.record_observation(colleague, obs, {goal.id: "Kalm en duidelijk"}, "Goede samenvatting")
    assert [n.text for n in services.observation_notes(obs)] == ["Kalm en duidelijk"]
    assert services.observations_received(person, entry) == [obs]
    # Both observed and observer get a 'Waarneming collega' entry that counts for the norm.
    for user in (person, colleague):
        assert norms.progress(user, TODAY, planned=[])[0].status == "done"


def test_coordinator_sees_only_shared_texts(app, person):
    first, _ = services.add_manual_entry(person, "other", date(2026, 5, 1), "Gedeeld", nonce="1")
    second, _ = services.add_manual_entry(person, "other", date(2026, 5, 2), "Privé", nonce="2")
    services.save_reflection(person, "Openbaar voor coördinator", "", entry=first)
    services.save_reflection(person, "Geheim", "", entry=second)
    assert services.shared_entries_for_coordinator(person) == []
    services.set_shared(person, first, True)
    shared = services.shared_entries_for_coordinator(person)
    assert [s["title"] for s in shared] == ["Gedeeld"] and shared[0]["went_well"] == "Openbaar voor coördinator"
    assert "Geheim" not in repr(shared)


def test_export_is_complete(app, person):
    colleague = factories.user(functions=("OL",))
    goal = plans.add_goal(person, 2026, "Doel A")
    plans.choose_competency(person, 2026, "leiderschap", "basis")
    entry, _ = services.add_manual_entry(person, "deployment", date(2026, 5, 1), "Inzet", nonce="d",
                                         grip_level="Rijk", goal_ids=[goal.id])
    services.save_feedup(person, "Feedup-tekst", entry=entry)
    services.save_reflection(person, "Goed-tekst", "Ontwikkel-tekst", entry=entry)
    obs, _ = services.invite_observer(person, colleague.id, entry=entry)
    services.record_observation(colleague, obs, {goal.id: "Waarneming-tekst"}, "")
    mine, _ = services.invite_observer(colleague, person.id, title="Oefening X", occurred_on=date(2026, 5, 3))
    data = services.export_data(person)
    text = repr(data)
    for expected in ("Doel A", "leiderschap", "Inzet", "Rijk", "Feedup-tekst", "Goed-tekst", "Ontwikkel-tekst",
                     "Waarneming-tekst", "Oefening X"):
        assert expected in text
    assert any(e["goal_ids"] == [goal.id] for e in data["entries"])
    assert {e["kind"] for e in data["entries"]} == {"deployment", "peer_observation"}


# --- who commits: the caller (README) -----------------------------------------------------------

WRITES = {
    "add_manual_entry": lambda s: services.add_manual_entry(
        s.person, "deployment", date(2026, 5, 2), "Inzet", nonce="new", grip_level="2",
        competency_codes=["leiderschap"], goal_ids=[s.goal.id]),
    "record_entry": lambda s: services.record_entry(s.person.id, "quiz", TODAY, "Oefentoets", source="quiz",
                                                    source_ref="q1"),
    "remove_entry": lambda s: services.remove_entry(s.person.id, "manual", "kept"),
    "remove_manual_entry": lambda s: services.remove_manual_entry(s.person, s.entry),
    "set_shared": lambda s: services.set_shared(s.person, s.entry, True),
    "set_links": lambda s: services.set_links(s.person, s.entry, ["leiderschap"], [s.goal.id]),
    "save_texts": lambda s: services.save_texts(s.person, s.entry, "Leren", "Goed", "Beter", s.goal.id),
    "save_feedup_for_activity": lambda s: services.save_feedup(s.person, "Opschalen", activity_id=5, title="Multi"),
    "invite_observer": lambda s: services.invite_observer(s.person, s.colleague.id, entry=s.entry, nonce="i2"),
    "record_observation": lambda s: services.record_observation(s.colleague, s.obs, {s.goal.id: "Kalm"}, "Goed"),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_service_never_commits_the_callers_rollback_leaves_nothing(app, person, write):
    from types import SimpleNamespace

    from app.models import OutboxMessage
    colleague = factories.user(functions=("OL",))
    goal = plans.add_goal(person, 2026, "Rust uitstralen")
    entry, _ = services.add_manual_entry(person, "activity", date(2026, 5, 1), "Multi", nonce="kept",
                                         activity_kind="multi_exercise")
    services.save_feedup(person, "Eerdere feedup", entry=entry)
    obs, _ = services.invite_observer(person, colleague.id, entry=entry, nonce="i1")
    db.session.commit()
    tables = [m.__table__ for m in (PortfolioEntry, EntryCompetency, EntryGoal, Reflection, PeerObservation,
                                    ObservationNote, OutboxMessage)]

    def stored():
        return {t.name: sorted(map(repr, db.session.execute(db.select(t)).all())) for t in tables}
    before = stored()
    write(SimpleNamespace(person=person, colleague=colleague, goal=goal, entry=entry, obs=obs))
    db.session.flush()
    assert stored() != before  # the call did change something ...
    db.session.rollback()
    assert stored() == before  # ... and the caller's rollback takes all of it back
