"""Demo plans and portfolios, relative to today so norm statuses vary (some done, at risk, behind).

Idempotent: plans are looked up by (user, year), entries by (user, source "demo", ref).
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from app.extensions import db
from app.models import (Competency, DevelopmentPlan, PeerObservation, ObservationNote, PlanChange, PlanCompetency,
                        PlanGoal, Reflection, User, UserFunction)
from app.models.core import utcnow
from app.portfolio.services import record_entry

SANNE = "functionaris@demo.paraat.nl"
GOALS = [
    "Ik wil in de eerste vergadering sneller tot een gedeeld beeld komen.",
    "Ik wil bij een opschaling de kritieke besluiten expliciet benoemen en vastleggen.",
    "Ik wil partners buiten de hulpdiensten eerder betrekken.",
    "Ik wil mijn vergaderingen strakker op de crisisdynamiek afstemmen.",
    "Ik wil de nafase vanaf het begin op de agenda zetten.",
    "Ik wil beter werken vanuit doelstellingen in plaats van vanuit taken.",
]
INCIDENTS = [("Grote brand bedrijfspand", "1"), ("Gaslekkage woonwijk", "1"), ("Stroomstoring regio", "2"),
             ("Wateroverlast na hevige regen", "2"), ("Ongeval gevaarlijke stoffen A1", "3")]


def _plan(user: User, year: int) -> tuple[DevelopmentPlan, bool]:
    plan = db.session.scalar(db.select(DevelopmentPlan).filter_by(user_id=user.id, year=year))
    if plan:
        return plan, False
    plan = DevelopmentPlan(user_id=user.id, year=year)
    db.session.add(plan)
    db.session.flush()
    db.session.add(PlanChange(plan_id=plan.id, actor_id=user.id, action="goal_added", after="Plan aangemaakt"))
    return plan, True


def _entry(user, tag, kind, on, title, activity_kind=None, **extra):
    entry = record_entry(user.id, kind, on, title, activity_kind=activity_kind, source="demo",
                         source_ref=f"{user.id}-{tag}")
    for key, value in extra.items():
        setattr(entry, key, value)
    return entry


def seed_plans(region) -> int:
    today = date.today()
    comps = {c.code: c for c in db.session.scalars(db.select(Competency).filter_by(region_id=region.id))}
    people = db.session.scalars(db.select(User).where(
        User.region_id == region.id, User.id.in_(db.select(UserFunction.user_id))).order_by(User.id)).all()
    created = 0
    for person in people:
        if person.email == SANNE:
            created += _seed_sanne(person, comps, today)
        else:
            created += _seed_person(person, comps, today)
    db.session.flush()
    _seed_observations(people, today)
    return created


def _seed_sanne(user, comps, today) -> int:
    d = lambda days: today - timedelta(days=days)  # noqa: E731
    this, last = today.year, today.year - 1
    _entry(user, "icr", "activity", date(this - 7, 3, 14), "Basisopleiding ICR", "icr")
    _entry(user, "scan", "other", date(this - 2, 6, 5), "CrisisCompetentieScan", "crisis_competence_scan")
    _entry(user, "multi-prev-1", "activity", date(last, 4, 17), "Multi-oefening Treinongeval Almelo", "multi_exercise")
    _entry(user, "multi-prev-2", "activity", date(last, 10, 2), "Multi-oefening Cyberaanval ziekenhuis",
           "multi_exercise")
    multi = _entry(user, "multi-1", "activity", d(190), "Multi-oefening Zware industrie Hengelo", "multi_exercise")
    _entry(user, "kd-1", "knowledge_day", d(150), "Kennisdag Crisisbeheersing Oost", "knowledge_day")
    for n, days in enumerate((24, 59, 93)):
        _entry(user, f"briefing-{n}", "briefing", d(days), "Operationele briefing", "ops_briefing")
    _entry(user, "briefing-prev", "briefing", date(last, 12, 18), "Operationele briefing", "ops_briefing")
    deployment = _entry(user, "deploy-1", "deployment", d(40), "Inzet grote brand Usselo",
                        incident_type="Grote brand met rookoverlast", role="Operationeel Leider", grip_level="2")
    _entry(user, "deploy-prev", "deployment", date(last, 8, 9), "Inzet wateroverlast Glanerbrug",
           incident_type="Wateroverlast", role="Operationeel Leider", grip_level="1")
    db.session.flush()
    deployment.shared_with_coordinator = True
    plan, new = _plan(user, this)
    if new:
        db.session.add(PlanCompetency(plan_id=plan.id, competency=comps["leiderschap"], level="basis"))
        db.session.add(PlanCompetency(plan_id=plan.id, competency=comps["gedeeld-situationeel-bewustzijn"],
                                      level="gevorderd"))
        db.session.add(PlanGoal(plan_id=plan.id, text=GOALS[0], competency=comps["gedeeld-situationeel-bewustzijn"]))
        db.session.add(PlanGoal(plan_id=plan.id, text=GOALS[1], competency=comps["kritieke-momenten"],
                                status="achieved"))
        db.session.add(PlanGoal(plan_id=plan.id, text="Ik wil als OL rust en richting geven in het ROT.",
                                competency=comps["leiderschap"]))
    prev, new_prev = _plan(user, last)
    if new_prev:
        db.session.add(PlanCompetency(plan_id=prev.id, competency=comps["crisisdiagnose"], level="basis"))
        db.session.add(PlanGoal(plan_id=prev.id, text=GOALS[5], status="achieved"))
        db.session.add(PlanGoal(plan_id=prev.id, text=GOALS[0]))
        prev.review_held_on = date(last, 12, 15)
    db.session.flush()
    if not db.session.scalar(db.select(Reflection.id).filter_by(user_id=user.id, entry_id=deployment.id)):
        db.session.add(Reflection(user_id=user.id, kind="reflection", entry_id=deployment.id, title=deployment.title,
                                  went_well="Snel een gedeeld beeld met de CoPI-leider; heldere doelen.",
                                  to_develop="Eerder de gemeente betrekken bij de communicatie naar omwonenden.",
                                  goal_id=plan.goals[0].id if plan.goals else None))
        db.session.add(Reflection(user_id=user.id, kind="feedup", entry_id=multi.id, title=multi.title,
                                  learn="Oefenen met het expliciet benoemen van kritieke besluiten."))
    return int(new)


def _seed_person(user, comps, today) -> int:
    rng = random.Random(user.email)
    d = lambda days: today - timedelta(days=days)  # noqa: E731
    codes = set(user.function_codes)
    this, last = today.year, today.year - 1
    if rng.random() < 0.9:
        _entry(user, "icr", "activity", date(this - rng.randint(1, 9), 3, 1), "Basisopleiding ICR",
               "icr_comm" if codes & {"BGM", "LOCO"} else "icr")
    if rng.random() < 0.7:
        _entry(user, "scan", "other", date(this - rng.randint(0, 3), 2, 1), "CrisisCompetentieScan",
               "crisis_competence_scan")
    for n in range(rng.choice([0, 1, 1, 2, 2, 3])):
        _entry(user, f"multi-{n}", "activity", d(rng.randint(20, 300)), "Multi-oefening", "multi_exercise")
    for n in range(rng.choice([0, 1, 2])):
        _entry(user, f"kd-{n}", "knowledge_day", d(rng.randint(20, 300)), "Kennisdag", "knowledge_day")
    _entry(user, "briefing", "briefing", d(rng.choice([3, 10, 20, 30, 45, 80])), "Operationele briefing",
           "ops_briefing")
    if rng.random() < 0.4:
        _entry(user, "obs", "peer_observation", d(rng.randint(20, 300)), "Waarneming collega", "peer_observation")
    if rng.random() < 0.4:
        incident, grip = rng.choice(INCIDENTS)
        _entry(user, "deploy", "deployment", d(rng.randint(5, 400)), f"Inzet: {incident}", incident_type=incident,
               role=user.functions[0].name if user.functions else None, grip_level=grip)
    if "BGM" in codes and rng.random() < 0.5:
        _entry(user, "masterclass", "activity", date(last, 11, 5), "Masterclass Bestuurlijk handelen", "masterclass")
    if "CACO" in codes:
        for n in range(rng.randint(2, 7)):
            _entry(user, f"table-{n}", "activity", d(rng.randint(10, 300)), "Oefening vanuit tafelbezetting",
                   "table_exercise_4h")
    created = 0
    if rng.random() < 0.8:
        plan, new = _plan(user, this)
        if new:
            created += 1
            choice = rng.choice(sorted(comps))
            db.session.add(PlanCompetency(plan_id=plan.id, competency=comps[choice],
                                          level=rng.choice(["basis", "gevorderd"])))
            for text in rng.sample(GOALS, rng.randint(1, 2)):
                db.session.add(PlanGoal(plan_id=plan.id, text=text))
            if rng.random() < 0.15:
                db.session.add(PlanCompetency(plan_id=plan.id, status="pending", proposed_name="Stressbestendigheid",
                                              level="basis", motivation="Ik merk dat ik bij langdurige inzetten "
                                              "vermoeid raak en wil leren mijn energie te verdelen."))
    return created


def _seed_observations(people, today) -> None:
    """Sanne was observed by an OL colleague, and is invited to observe another."""
    sanne = next((p for p in people if p.email == SANNE), None)
    colleagues = [p for p in people if p.email != SANNE and "OL" in p.function_codes]
    if sanne is None or len(colleagues) < 2:
        return
    received_by = colleagues[0]
    if not db.session.scalar(db.select(PeerObservation.id).filter_by(observed_id=sanne.id, nonce="demo-received")):
        plan = db.session.scalar(db.select(DevelopmentPlan).filter_by(user_id=sanne.id, year=today.year))
        occurred = today - timedelta(days=70)
        obs = PeerObservation(observed_id=sanne.id, observer_id=received_by.id, title="Multi-oefening Hoogwater",
                              occurred_on=occurred, status="done", nonce="demo-received", completed_at=utcnow(),
                              general="Rustige voorzitter; de ronde langs de partners kan korter.")
        db.session.add(obs)
        db.session.flush()
        if plan and plan.goals:
            goal = plan.goals[0]
            db.session.add(ObservationNote(observation_id=obs.id, goal_id=goal.id, goal_text=goal.text,
                                           text="Na twintig minuten stond er een gedeeld beeld in LCMS; "
                                                "de samenvatting hardop hielp iedereen."))
        record_entry(sanne.id, "peer_observation", occurred, f"Waarneming door {received_by.name}: {obs.title}",
                     activity_kind="peer_observation", source="observation_received", source_ref=str(obs.id))
        record_entry(received_by.id, "peer_observation", occurred, f"Waarneming van {sanne.name}: {obs.title}",
                     activity_kind="peer_observation", source="observation_given", source_ref=str(obs.id))
    asker = colleagues[1]
    if not db.session.scalar(db.select(PeerObservation.id).filter_by(observed_id=asker.id, nonce="demo-invite")):
        db.session.add(PeerObservation(observed_id=asker.id, observer_id=sanne.id, title="Opstartoefening ROT",
                                       occurred_on=today - timedelta(days=5), nonce="demo-invite"))
