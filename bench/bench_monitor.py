"""Server time of the coordinator dashboards for a region of 2,000 people and three years of data.

Seeds the region into a temporary SQLite file and into PostgreSQL, then requests every
monitor view through the app (in-process, no network) and prints median and p95 milliseconds per view.
Prints figures; asserts nothing. The target from issue 8 is under 200 ms per dashboard. "cpu ms" is the
process CPU time of the request (with SQLite that includes the database work): on a busy machine it
shows what wall-clock time would be without the competition.

Usage: python bench/bench_monitor.py [--people 2000] [--runs 15] [--pg URL | --no-pg]
       PostgreSQL, the production database, is measured too: by default in a database `paraat_monitor`
       on 127.0.0.1:5432 (created if missing); when that server is not reachable the output says so.
"""
from __future__ import annotations

import argparse
import pathlib
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from app import create_app  # noqa: E402
from bench.pg import ensure_database  # noqa: E402
from app.auth.passwords import hash_password  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (Activity, ActivitySeat, Competency, DevelopmentPlan, DutyPeriod, Function, ModuleRead,  # noqa: E402
                        PlanCompetency, PlanGoal, PortfolioEntry, QuizAnswer, QuizAttempt, Region,
                        Registration, User, UserFunction, UserRole)
from app.norms.loader import TWENTE_NORMS, load_norms, read_norms_file  # noqa: E402

PASSWORD = "bench-monitor"
COORDINATOR = "coordinator@bench.paraat.nl"
ENTRY_KIND = {"ops_briefing": "briefing", "knowledge_day": "knowledge_day", "peer_observation": "peer_observation"}
# Activity kinds a region organises, with how many per year.
PER_YEAR = {"multi_exercise": 24, "ops_briefing": 52, "knowledge_day": 8, "startup_exercise": 10,
            "system_exercise": 2, "table_exercise_4h": 14, "masterclass": 2, "council_training": 4}


def seed(people: int, today: date, rng: random.Random) -> dict:
    """The region: norms for three years, `people` functionaries, activities, evidence, plans, reads."""
    years = [today.year - 2, today.year - 1, today.year]
    region = Region(code="bench", name="Veiligheidsregio Bench")
    db.session.add(region)
    db.session.flush()
    load_norms(region, read_norms_file(TWENTE_NORMS), years)
    for i, code in enumerate(["crisissensitiviteit", "crisisdiagnose", "flexibele-crisisorganisatie",
                              "gedeeld-situationeel-bewustzijn", "kritieke-momenten", "werken-vanuit-doelstellingen",
                              "eenheid-van-inspanning", "vergaderen-op-crisisdynamiek", "nafase", "leiderschap"]):
        db.session.add(Competency(region_id=region.id, code=code, name=code.replace("-", " ").capitalize()))
    db.session.flush()
    competencies = db.session.execute(db.select(Competency.id, Competency.code)
                                      .where(Competency.region_id == region.id)).all()
    functions = db.session.scalars(db.select(Function).where(Function.region_id == region.id)).all()
    key = [f for f in functions if f.is_key]
    others = [f for f in functions if not f.is_key]
    password = hash_password(PASSWORD)
    coordinator = User(email=COORDINATOR, name="Bench Coördinator", region_id=region.id, password_hash=password)
    coordinator.role_rows = [UserRole(role="coordinator")]
    db.session.add(coordinator)
    db.session.flush()

    first_id = db.session.scalar(db.select(db.func.coalesce(db.func.max(User.id), 0))) + 1
    db.session.execute(insert(User), [
        {"id": first_id + i, "email": f"p{i}@bench.paraat.nl", "name": f"Persoon {i:04d}", "region_id": region.id,
         "password_hash": "x", "calendar_token": f"bench-{i}"} for i in range(people)])
    ids = list(range(first_id, first_id + people))
    db.session.execute(insert(UserRole), [{"user_id": uid, "role": "functionary"} for uid in ids])
    holding, rows = {}, []
    for uid in ids:
        fs = [rng.choice(key) if rng.random() < .8 else rng.choice(others)]
        if rng.random() < .1:
            extra = rng.choice(key)
            if extra not in fs:
                fs.append(extra)
        holding[uid] = fs
        rows += [{"user_id": uid, "function_id": f.id, "on_duty": rng.random() < .2} for f in fs]
    db.session.execute(insert(UserFunction), rows)
    # Piket: people in the roster have a duty week every five to eight weeks over the three years.
    duty = []
    for uid in sorted({r["user_id"] for r in rows if r["on_duty"]}):
        day = date(years[0], 1, 1) + timedelta(days=rng.randint(0, 30))
        while day.year <= years[-1]:
            duty.append({"user_id": uid, "start": day, "end": day + timedelta(days=6)})
            day += timedelta(weeks=rng.randint(5, 8))
    db.session.execute(insert(DutyPeriod), duty)

    # Activities over three years, seats for the functions whose norms name the kind.
    norm_functions = {}
    for f in functions:
        for kind in ("multi_exercise", "ops_briefing", "knowledge_day", "startup_exercise", "system_exercise",
                     "table_exercise_4h", "masterclass", "council_training"):
            norm_functions.setdefault(kind, []).append(f)
    activities = []
    for year in years:
        for kind, n in PER_YEAR.items():
            for k in range(n):
                day = date(year, 1, 1) + timedelta(days=int(365 * (k + rng.random()) / n))
                day = min(day, date(year, 12, 31))
                activities.append({"region_id": region.id, "kind": kind, "title": f"{kind} {day}",
                                   "starts_at": datetime.combine(day, datetime.min.time()) + timedelta(hours=19),
                                   "ends_at": datetime.combine(day, datetime.min.time()) + timedelta(hours=22),
                                   "competencies": rng.sample([c.code for c in competencies], 2),
                                   "unannounced": kind == "system_exercise" and k == 0,
                                   "description": "", "location": "", "organiser": ""})
    db.session.execute(insert(Activity), activities)
    acts = db.session.execute(db.select(Activity.id, Activity.kind, Activity.starts_at)
                              .where(Activity.region_id == region.id)).all()
    db.session.execute(insert(ActivitySeat), [
        {"activity_id": a.id, "function_id": f.id, "seats": rng.randint(2, 6), "seats_taken": rng.randint(0, 3)}
        for a in acts for f in rng.sample(norm_functions[a.kind], min(6, len(norm_functions[a.kind])))])
    by_kind = {}
    for a in acts:
        by_kind.setdefault(a.kind, []).append(a)

    # Evidence: attendance (portfolio entry + registration) and a few manual entries per person and year.
    entries, regs, plans = [], [], []
    seen_regs = set()
    for uid in ids:
        entries.append({"user_id": uid, "kind": "activity", "activity_kind": "icr", "occurred_on": date(2019, 3, 1),
                        "title": "ICR", "source": "manual", "source_ref": f"icr-{uid}"})
        if rng.random() < .9:
            entries.append({"user_id": uid, "kind": "activity", "activity_kind": "crisis_competence_scan",
                            "occurred_on": date(2020, 3, 1), "title": "Scan", "source": "manual",
                            "source_ref": f"scan-{uid}"})
        for year in years:
            wanted = {"ops_briefing": rng.randint(4, 12), "multi_exercise": rng.randint(0, 3),
                      "knowledge_day": rng.randint(0, 2), "startup_exercise": rng.randint(0, 2),
                      "table_exercise_4h": rng.randint(0, 8) if any(f.code == "CACO" for f in holding[uid]) else 0}
            for kind, n in wanted.items():
                pool = [a for a in by_kind[kind] if a.starts_at.year == year]
                for a in rng.sample(pool, min(n, len(pool))):
                    future = a.starts_at.date() > today
                    if (uid, a.id) in seen_regs:
                        continue
                    seen_regs.add((uid, a.id))
                    regs.append({"user_id": uid, "activity_id": a.id, "function_id": holding[uid][0].id,
                                 "status": "assigned" if future else rng.choice(["attended"] * 9 + ["no_show"])})
                    if not future and regs[-1]["status"] == "attended":
                        entries.append({"user_id": uid, "kind": ENTRY_KIND.get(kind, "activity"),
                                        "activity_kind": kind, "occurred_on": a.starts_at.date(),
                                        "title": f"{kind} {a.starts_at.date()}", "source": "attendance",
                                        "source_ref": str(a.id)})
            if rng.random() < .7 and date(year, 6, 1) <= today:
                entries.append({"user_id": uid, "kind": "peer_observation", "activity_kind": "peer_observation",
                                "occurred_on": date(year, rng.randint(1, 6), 15), "title": "Waarneming",
                                "source": "manual", "source_ref": f"obs-{uid}-{year}"})
            plans.append({"user_id": uid, "year": year})
    for chunk in range(0, len(entries), 20000):
        db.session.execute(insert(PortfolioEntry), entries[chunk:chunk + 20000])
    db.session.execute(insert(Registration), regs)
    db.session.execute(insert(DevelopmentPlan), plans)
    plan_ids = db.session.execute(db.select(DevelopmentPlan.id).join(User, User.id == DevelopmentPlan.user_id).where(User.region_id == region.id)).scalars().all()
    db.session.execute(insert(PlanCompetency), [
        {"plan_id": pid, "competency_id": rng.choice(competencies).id, "level": "basis", "status": "approved"}
        for pid in plan_ids if rng.random() < .85])
    db.session.execute(insert(PlanGoal), [{"plan_id": pid, "text": "Een leerdoel"} for pid in plan_ids])
    from app.content.catalogue import get_catalogue
    slugs = sorted(get_catalogue().modules) or ["module"]
    reads, seen = [], set()
    for uid in ids:
        for _ in range(rng.randint(0, 12)):
            slug = rng.choice(slugs)
            if (uid, slug) not in seen:
                seen.add((uid, slug))
                reads.append({"user_id": uid, "slug": slug,
                              "read_at": datetime(rng.choice(years), rng.randint(1, 11), rng.randint(1, 28))})
    db.session.execute(insert(ModuleRead), reads)
    from app.quizzes.loader import quiz_set
    quizzes = list(quiz_set().quizzes.values())
    answers = 0
    if quizzes:
        quiz = quizzes[0]
        db.session.execute(insert(QuizAttempt), [{"user_id": uid, "quiz_slug": quiz.slug, "seed": 1}
                                                 for uid in ids if rng.random() < .5])
        attempt_ids = db.session.execute(db.select(QuizAttempt.id).where(QuizAttempt.quiz_slug == quiz.slug)).scalars().all()
        rows = [{"attempt_id": aid, "question_id": q.id, "response": 0, "correct": rng.random() < .7}
                for aid in attempt_ids for q in quiz.questions]
        db.session.execute(insert(QuizAnswer), rows)
        answers = len(rows)
    db.session.commit()
    busiest = db.session.scalar(db.select(PortfolioEntry.user_id).group_by(PortfolioEntry.user_id)
                                .order_by(db.func.count().desc()).limit(1))
    return {"people": people, "entries": len(entries), "registrations": len(regs), "activities": len(acts),
            "plans": len(plans), "reads": len(reads), "quiz answers": answers, "person": busiest,
            "quiz": quizzes[0].slug if quizzes else None}


def measure(app, facts: dict, runs: int) -> list[tuple[str, float, float]]:
    client = app.test_client()
    response = client.post("/login", data={"email": COORDINATOR, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    views = {
        "system /monitor": "/monitor",
        "system CSV": "/monitor.csv",
        "function /monitor/functions/OL": "/monitor/functions/OL?sort=status",
        "function CSV": "/monitor/functions/OL.csv",
        "person /monitor/people/<id>": f"/monitor/people/{facts['person']}",
        "learning /monitor/learning": "/monitor/learning",
        "learning with quiz statistics": f"/monitor/learning?quiz={facts['quiz']}" if facts["quiz"] else "/monitor/learning",
        "learning CSV": "/monitor/learning.csv",
        "report /monitor/report": "/monitor/report",
        "system, last year": f"/monitor?year={date.today().year - 1}",
    }
    results = []
    for label, url in views.items():
        client.get(url)  # warm: templates compiled, catalogue read
        times, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        results.append((label, statistics.median(times), times[min(len(times) - 1, int(round(.95 * (len(times) - 1))))],
                        statistics.median(cpu)))
    return results


def run(url: str, label: str, people: int, runs: int) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        facts = seed(people, date.today(), random.Random(2026))
        seeded = time.perf_counter() - start
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            # Fresh bulk data has no planner statistics until autovacuum comes by; a live database has
            # them. Without this the planner guesses one row per table and loops over 2,000 people.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        print(f"\n{label}: {facts['people']} people, {facts['entries']} portfolio entries, "
              f"{facts['registrations']} registrations, {facts['activities']} activities, {facts['plans']} plans, "
              f"{facts['reads']} module reads, {facts['quiz answers']} quiz answers (seeded in {seeded:.1f} s)")
        print(f"{'view':40} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>8}")
        for name, median, p95, cpu in measure(app, facts, runs):
            print(f"{name:40} {median:10.1f} {p95:8.1f} {cpu:8.1f}")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL URL (default: database paraat_monitor on 127.0.0.1)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.db", "SQLite", args.people, args.runs)
    pg = None if args.no_pg else (args.pg or ensure_database("paraat_monitor"))
    if pg:
        try:
            run(pg, "PostgreSQL", args.people, args.runs)
        except Exception as exc:  # unreachable database: say so, the SQLite figures stand
            print(f"\nPostgreSQL skipped: {type(exc).__name__}: {str(exc).splitlines()[0]}")


if __name__ == "__main__":
    main()
