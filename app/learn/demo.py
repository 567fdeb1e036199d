"""Demo data: some functionaries have read some modules, so monitoring shows reach."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from app.content.catalogue import get_catalogue
from app.extensions import db
from app.models import ModuleRead, User
from app.portfolio.services import record_entry

DEMO_ACCOUNTS_DOMAIN = "@demo.paraat.nl"
SKIP = {"functionaris@demo.paraat.nl", "auteur@demo.paraat.nl", "coordinator@demo.paraat.nl",
        "beheer@demo.paraat.nl"}  # the named demo accounts start with nothing read


def seed_reads(region, today=None) -> int:
    modules = get_catalogue(force=True).published
    if not modules:
        return 0
    today = today or datetime.now().date()
    rng = random.Random(4)
    people = db.session.scalars(db.select(User).where(User.region_id == region.id, User.active.is_(True),
                                                      User.email.like(f"%{DEMO_ACCOUNTS_DOMAIN}"))
                                .order_by(User.email)).all()
    created = 0
    for person in people:
        if person.email in SKIP or rng.random() < 0.3:
            continue
        own = [m for m in modules if m.for_functions(person.function_codes) or not m.functions]
        for module in rng.sample(own, k=min(len(own), rng.randint(1, 5))):
            # Draw first, then skip what exists: a second run makes the same draws and adds nothing.
            day = today - timedelta(days=rng.randint(1, 120))
            read_at = datetime.combine(day, time(hour=rng.randint(7, 21), minute=rng.randint(0, 59)))
            if db.session.scalar(db.select(ModuleRead.id).filter_by(user_id=person.id, slug=module.slug)):
                continue
            db.session.add(ModuleRead(user_id=person.id, slug=module.slug, read_at=read_at))
            record_entry(person.id, "module_read", day, f"Microlearning: {module.title}", source="module",
                         source_ref=module.slug)
            created += 1
    db.session.flush()
    return created
