"""Idempotent demo data: every step looks up by natural key before it creates anything."""
from __future__ import annotations

import random

from flask import current_app

from app.activities.demo import seed_activities
from app.auth.passwords import hash_password
from app.competencies import CRISIS_COMPETENCIES
from app.extensions import db
from app.learn.demo import seed_reads
from app.models.core import get_or_create
from app.models import Competency, Function, Region, User, UserFunction, UserRole
from app.norms.loader import TWENTE_NORMS, load_norms, read_norms_file
from app.plan.demo import seed_plans
from app.quizzes.demo import seed_quiz_history

DEMO_YEARS = [2025, 2026, 2027]

DEMO_ACCOUNTS = [
    ("functionaris@demo.paraat.nl", "Sanne de Vries", ["functionary"], ["OL"]),
    ("auteur@demo.paraat.nl", "Ahmed El Amrani", ["author"], []),
    ("coordinator@demo.paraat.nl", "Marieke Jansen", ["coordinator"], []),
    ("beheer@demo.paraat.nl", "Pieter Bakker", ["admin"], []),
]

FIRST = ["Anne", "Bas", "Carla", "Dirk", "Eva", "Frank", "Gerda", "Hans", "Ilse", "Jeroen", "Karin",
         "Lars", "Mirjam", "Niels", "Olga", "Paul", "Renate", "Sander", "Tineke", "Ufuk", "Vera",
         "Wouter", "Yvonne", "Zeynep", "Bram", "Floor", "Joost", "Lotte", "Martijn", "Noor"]
LAST = ["Ensink", "Oude Luttikhuis", "Nijhuis", "Kamphuis", "Wolters", "Brinkman", "Hofman", "Kuipers",
        "Meijerink", "Assink", "Pool", "Slot", "Veldhuis", "Lammers", "Dijkstra", "Mulder", "Haverkamp",
        "Bosch", "Smit", "Yilmaz", "Groothuis", "Rouwhorst", "Tijhuis", "Wessels"]
PEOPLE_PER_KEY_FUNCTION = 4
# Each feature's demo data, in this order: quiz reviews are scheduled around the activities a person is
# registered for, so quizzes come last. A seeder takes the region, is idempotent and returns a count.
SEEDERS = (("gelezen microlearnings", seed_reads), ("ontwikkelplannen en portfolio's", seed_plans),
           ("activiteiten", seed_activities), ("oefentoetsen", seed_quiz_history))


def _ensure_user(region, email, name, roles, function_codes, password_hash, on_duty=False) -> bool:
    if db.session.scalar(db.select(User.id).where(User.email == email)):
        return False
    functions = db.session.scalars(
        db.select(Function).where(Function.region_id == region.id, Function.code.in_(function_codes))).all()
    user = User(email=email, name=name, region=region, password_hash=password_hash)
    user.role_rows = [UserRole(role=r) for r in roles]
    user.function_rows = [UserFunction(function=f, on_duty=on_duty) for f in functions]
    db.session.add(user)
    return True


def seed_core() -> tuple[Region, int]:
    region = get_or_create(Region, {"name": "Veiligheidsregio Twente"}, code="twente")
    for code, name, description in CRISIS_COMPETENCIES:
        get_or_create(Competency, {"name": name, "description": description,
                                    "description_basis": f"Basis: {description}",
                                    "description_advanced": f"Gevorderd: {description}"},
                       region_id=region.id, code=code)
    load_norms(region, read_norms_file(TWENTE_NORMS), DEMO_YEARS)
    password_hash = hash_password(current_app.config["DEMO_PASSWORD"])
    created = 0
    for email, name, roles, codes in DEMO_ACCOUNTS:
        created += _ensure_user(region, email, name, roles, codes, password_hash)
    # Deterministic people, so a second run finds the same e-mail addresses and creates nothing.
    rng = random.Random(2026)
    key_functions = db.session.scalars(
        db.select(Function).where(Function.region_id == region.id, Function.is_key.is_(True))
        .order_by(Function.code)).all()
    others = ["BGM", "BGM", "BGM", "LOCO", "LOCO", "OVD-G", "OVD-P", "AC-B", "AC-GZ"]
    plan = [f.code for f in key_functions for _ in range(PEOPLE_PER_KEY_FUNCTION)] + others
    for index, code in enumerate(plan):
        first, last = FIRST[index % len(FIRST)], LAST[(index * 7) % len(LAST)]
        email = f"{first.lower()}.{last.lower().replace(' ', '')}.{index}@demo.paraat.nl"
        created += _ensure_user(region, email, f"{first} {last}", ["functionary"], [code], password_hash,
                                on_duty=rng.random() < 0.25)
    db.session.commit()
    return region, created


def seed_demo() -> dict[str, int]:
    region, created = seed_core()
    summary = {"nieuwe accounts": created}
    for name, seeder in SEEDERS:
        summary[name] = seeder(region)
        db.session.commit()
    return summary
