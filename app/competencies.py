"""The crisis competencies: the ten of the contract, and the list of a region as features show it."""
from __future__ import annotations

from app.extensions import db
from app.models import Competency

# The ten crisis focus points of the integral, all-hazard approach (seed document 002; CONTRACT
# section 6): (code, name, description). The demo region is seeded with them; content and quizzes
# are checked against them while the database holds no competencies yet.
CRISIS_COMPETENCIES = (
    ("crisissensitiviteit", "Crisissensitiviteit",
     "Doorhebben wanneer iets ‘kleins’ groot kan worden, en tijdig melden en alarmeren."),
    ("crisisdiagnose", "Crisisdiagnose",
     "Een crisisdiagnose stellen op basis waarvan relevante thema’s en betrokkenen worden bepaald."),
    ("flexibele-crisisorganisatie", "Flexibele crisisorganisatie",
     "De basisorganisatie aanpassen aan de specifieke situatie voor een passende respons."),
    ("gedeeld-situationeel-bewustzijn", "Gedeeld situationeel bewustzijn",
     "Samen doorhebben wat er aan de hand is en wat dat betekent."),
    ("kritieke-momenten", "Kritieke momenten en besluiten",
     "Aandacht voor kritieke momenten en besluiten die de afloop mede bepalen."),
    ("werken-vanuit-doelstellingen", "Werken vanuit doelstellingen",
     "Integraal werken vanuit doelstellingen en uitgangspunten."),
    ("eenheid-van-inspanning", "Eenheid van inspanning",
     "Aansluiten bij en betrekken van interne en externe partners."),
    ("vergaderen-op-crisisdynamiek", "Vergaderen op crisisdynamiek",
     "Crisisvergaderingen afstemmen op de dynamiek van de crisis."),
    ("nafase", "Nafase",
     "Oog voor de nafase als onderdeel van de integrale aanpak."),
    ("leiderschap", "Leiderschap",
     "Leiderschap tijdens de crisis, gericht op een wenkend perspectief over de crisis heen."),
)
CRISIS_COMPETENCY_CODES = tuple(code for code, _name, _description in CRISIS_COMPETENCIES)


def region_competencies(region_id: int, offered_only: bool = True) -> list[Competency]:
    query = db.select(Competency).where(Competency.region_id == region_id)
    if offered_only:
        query = query.where(Competency.offered.is_(True))
    return db.session.scalars(query.order_by(Competency.name)).all()
