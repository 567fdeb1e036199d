"""Micro-learning rules: filtering the catalogue, marking modules read, the start page pick."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from app.content.catalogue import Catalogue, get_catalogue
from app.content.modules import LEVELS, Module, fold, iso_week
from app.extensions import db
from app.models import Competency, ModuleRead
from app.models.core import utcnow
from app.plan.services import chosen_competency_codes
from app.portfolio.services import record_entry
from app.transactions import insert_once

PAGE_SIZE = 30


@dataclass
class Filters:
    competency: str = ""
    level: str = ""
    tag: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "Filters":
        level = args.get("level", "")
        try:
            page = max(1, min(int(args.get("page", 1)), 10_000))
        except ValueError:
            page = 1
        return cls(competency=args.get("competency", "")[:60], level=level if level in LEVELS else "",
                   tag=args.get("tag", "")[:60], q=args.get("q", "").strip()[:100], page=page)

    @property
    def active(self) -> bool:
        return bool(self.competency or self.level or self.tag or self.q)

    def query(self, **changes) -> dict:
        values = {"competency": self.competency, "level": self.level, "tag": self.tag, "q": self.q,
                  "page": self.page}
        values.update(changes)
        return {k: v for k, v in values.items() if v and not (k == "page" and v == 1)}


@dataclass
class Results:
    mine: list[Module]        # for one of the person's functions
    others: list[Module]
    total: int
    page: int
    pages: int


def filter_modules(catalogue: Catalogue, function_codes, filters: Filters, page_size: int = PAGE_SIZE) -> Results:
    """Published modules matching the filters; the person's own functions first, then by title."""
    words = fold(filters.q).split()
    matched = []
    for module in catalogue.published:
        if filters.competency and filters.competency not in module.competencies:
            continue
        if filters.level and module.level != filters.level:
            continue
        if filters.tag and filters.tag not in module.tags:
            continue
        if words and not all(word in module.search_text for word in words):
            continue
        matched.append(module)
    codes = set(function_codes)
    mine = [m for m in matched if m.for_functions(codes)]
    others = [m for m in matched if not m.for_functions(codes)]
    ordered = mine + others
    pages = max(1, -(-len(ordered) // page_size))
    page = min(filters.page, pages)
    shown = ordered[(page - 1) * page_size:page * page_size]
    shown_ids = {id(m) for m in shown}
    return Results(mine=[m for m in mine if id(m) in shown_ids], others=[m for m in others if id(m) in shown_ids],
                   total=len(ordered), page=page, pages=pages)


def competency_names(region_id: int | None) -> dict[str, str]:
    rows = db.session.execute(db.select(Competency.code, Competency.name)
                              .where(Competency.region_id == region_id)).all()
    return {code: name for code, name in rows}


def competency_label(names: dict[str, str], code: str) -> str:
    return names.get(code) or code.replace("-", " ").capitalize()


def read_times(user_id: int) -> dict[str, datetime]:
    rows = db.session.execute(db.select(ModuleRead.slug, ModuleRead.read_at)
                              .where(ModuleRead.user_id == user_id)).all()
    return {slug: read_at for slug, read_at in rows}


def read_time(user_id: int, slug: str) -> datetime | None:
    return db.session.scalar(db.select(ModuleRead.read_at).filter_by(user_id=user_id, slug=slug))


def changed_at(module: Module) -> datetime:
    """When the module last changed (UTC, naive like the database): its file's time, which a content
    sync sets to the last commit that touched the file."""
    return datetime.fromtimestamp(module.mtime, timezone.utc).replace(tzinfo=None)


def updated_since_read(module: Module, reads: dict[str, datetime]) -> bool:
    """True when the person read the module and it changed afterwards ("bijgewerkt")."""
    read_at = reads.get(module.slug)
    return read_at is not None and changed_at(module) > read_at


def removed_title(slug: str) -> str | None:
    """The title of a module that is gone (removed by a content sync, or read by someone before its
    file disappeared), for the 410 page; None for an address that never was a module."""
    from app.models import PortfolioEntry, RetiredModule
    title = db.session.scalar(db.select(RetiredModule.title).filter_by(slug=slug))
    if title is None:
        entry = db.session.scalar(db.select(PortfolioEntry.title)
                                  .filter_by(source="module", source_ref=slug).limit(1))
        title = entry.removeprefix("Microlearning: ") if entry else None
    return title


def mark_read(user, module: Module, now: datetime | None = None) -> tuple[ModuleRead, bool]:
    """Record that `user` read `module` (idempotent: the first time counts); also a portfolio entry."""
    row = db.session.scalar(db.select(ModuleRead).filter_by(user_id=user.id, slug=module.slug))
    created = False
    if row is None:
        row = ModuleRead(user_id=user.id, slug=module.slug, read_at=now or utcnow())
        created = insert_once(row)
        if not created:  # a double tap raced us; the other request stored it
            row = db.session.scalar(db.select(ModuleRead).filter_by(user_id=user.id, slug=module.slug))
    record_entry(user.id, "module_read", row.read_at.date(), f"Microlearning: {module.title}",
                 source="module", source_ref=module.slug)
    return row, created


def neighbours(catalogue: Catalogue, module: Module) -> tuple[Module | None, Module | None, str | None]:
    """Previous and next published module in the module's first competency (catalogue order)."""
    if not module.competencies:
        return None, None, None
    code = module.competencies[0]
    siblings = catalogue.by_competency.get(code, [])
    if module not in siblings:
        return None, None, code
    index = siblings.index(module)
    previous = siblings[index - 1] if index > 0 else None
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    return previous, following, code


def _preference(module: Module, codes: set) -> tuple:
    return (not module.for_functions(codes) and bool(module.functions), module.level != "basis",
            module.title.casefold())


def start_page_pick(user, today: date | None = None, catalogue: Catalogue | None = None,
                    approved: list | None = None) -> dict | None:
    """This week's briefing module (else the newest unread one for the person's functions), and up to
    three unread modules for the competencies chosen in their plan (`approved`: the plan's approved
    competencies, when the start page read them for the norms card too)."""
    today = today or date.today()
    catalogue = catalogue or get_catalogue()
    reads = read_times(user.id)
    codes = set(user.function_codes)
    week = iso_week(today)
    weekly = [m for m in catalogue.published if m.briefing_week == week]
    weekly.sort(key=lambda m: _preference(m, codes))
    briefing, is_weekly = (weekly[0], True) if weekly else (None, False)
    if briefing is None:
        candidates = [m for m in catalogue.published
                      if m.slug not in reads and (m.for_functions(codes) or not m.functions)]
        # Newest = the most recent briefing week not in the future, else the most recently changed file.
        candidates.sort(key=lambda m: ((m.briefing_week or "") if (m.briefing_week or "") <= week else "",
                                       m.mtime, m.slug), reverse=True)
        briefing = candidates[0] if candidates else None
    chosen = chosen_competency_codes(user, today.year, approved)
    plan_modules = []
    if chosen:
        wanted = [m for m in catalogue.published if m.slug not in reads and m is not briefing
                  and set(m.competencies).intersection(chosen)]
        wanted.sort(key=lambda m: _preference(m, codes))
        plan_modules = wanted[:3]
    if not catalogue.published:
        return None
    updated = sorted((m for m in catalogue.published if updated_since_read(m, reads)),
                     key=lambda m: changed_at(m), reverse=True)[:3]
    return {"briefing": briefing, "is_weekly": is_weekly, "week": week, "updated": updated,
            "briefing_read": reads.get(briefing.slug) if briefing else None,
            # The module's quiz, started straight from the card: two taps to the first question.
            "quiz": briefing.quiz if briefing and briefing.quiz in catalogue.quiz_slugs else None,
            "plan_modules": plan_modules, "has_plan": bool(chosen)}
