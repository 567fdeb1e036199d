"""Organisation-level obligations of the norms file, and the activities a coordinator links to them.

Windows: a yearly obligation counts in its year; "per beleidsperiode" counts over the policy period
of the norms file (2026-2029 for Twente; without one: the four years up to the year); "eens per vier
jaar" counts the four years up to the year. The unannounced system test and the unannounced system
exercise are separate obligations ("Naast de onverwachte systeemtest wordt jaarlijks één keer een
onverwachte systeemoefening georganiseerd"): one activity counts for one of them. An unannounced
activity that took place counts for the system exercise by itself, unless the coordinator linked it to
the system test.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app import audit
from app.extensions import db
from app.models import Activity, OrganisationObligation, Region, User
from app.models.monitor import ObligationFulfilment
from app.transactions import insert_once

UNANNOUNCED = ("system_test", "system_exercise")
NOTE_MAX = 500


class MonitorError(ValueError):
    """A coordinator's input cannot be used; the message is Dutch."""


@dataclass
class ObligationStatus:
    obligation: OrganisationObligation
    first_year: int
    last_year: int
    links: list[ObligationFulfilment]
    automatic: list[Activity]          # unannounced activities that took place (system exercise only)
    policy_period: bool = False

    @property
    def status(self) -> str:
        if self.automatic or any(link.covers_all for link in self.links):
            return "done"
        return "partial" if self.links else "open"

    @property
    def status_label(self) -> str:
        return {"done": "Voldaan", "partial": "Deels voldaan", "open": "Nog niet"}[self.status]

    @property
    def period_label(self) -> str:
        if self.first_year == self.last_year:
            return f"in {self.first_year}"
        span = f"{self.first_year}–{self.last_year}"
        return f"in de beleidsperiode {span}" if self.policy_period else f"in {span}"


def window(text: str, year: int, region: Region | None) -> tuple[int, int, bool]:
    """(first year, last year, is the policy period) in which links count for an obligation in `year`."""
    lowered = text.lower()
    if "beleidsperiode" in lowered:
        if region is not None and region.policy_start and region.policy_end \
                and region.policy_start <= year <= region.policy_end:
            return region.policy_start, region.policy_end, True
        return year - 3, year, False
    if "vier jaar" in lowered:
        return year - 3, year, False
    return year, year, False


def obligations(region_id: int, year: int, now: datetime) -> list[ObligationStatus]:
    items = db.session.scalars(db.select(OrganisationObligation).where(
        OrganisationObligation.region_id == region_id).order_by(OrganisationObligation.position)).all()
    if not items:
        return []
    region = db.session.get(Region, region_id)
    windows = {item.id: window(item.text, year, region) for item in items}
    first = min(w[0] for w in windows.values())
    last = max(w[1] for w in windows.values())
    links = db.session.scalars(db.select(ObligationFulfilment).where(
        ObligationFulfilment.obligation_id.in_([o.id for o in items]),
        ObligationFulfilment.year >= first, ObligationFulfilment.year <= last)
        .order_by(ObligationFulfilment.year, ObligationFulfilment.id)).all()
    as_test = {link.activity_id for link in links
               if link.obligation.code == "system_test" and link.year == year}
    unannounced = [a for a in db.session.scalars(db.select(Activity).where(
        Activity.region_id == region_id, Activity.unannounced.is_(True), Activity.cancelled_at.is_(None),
        Activity.starts_at >= datetime(year, 1, 1), Activity.starts_at < datetime(year + 1, 1, 1),
        Activity.starts_at <= now).order_by(Activity.starts_at)).all() if a.id not in as_test]
    result = []
    for item in items:
        start, end, policy = windows[item.id]
        mine = [link for link in links if link.obligation_id == item.id and start <= link.year <= end]
        automatic = [a for a in unannounced if a.id not in {link.activity_id for link in mine}] \
            if item.code == "system_exercise" else []
        result.append(ObligationStatus(item, start, end, mine, automatic, policy))
    return result


def linkable_activities(region_id: int, year: int, now: datetime) -> list[Activity]:
    """Activities of the year that took place (started, not cancelled): what can satisfy an obligation."""
    return db.session.scalars(db.select(Activity).where(
        Activity.region_id == region_id, Activity.cancelled_at.is_(None),
        Activity.starts_at >= datetime(year, 1, 1), Activity.starts_at < datetime(year + 1, 1, 1),
        Activity.starts_at <= now).order_by(Activity.starts_at.desc())).all()


def link_activity(actor: User, obligation: OrganisationObligation, year: int, activity_id: int,
                  note: str, covers_all: bool, now: datetime) -> ObligationFulfilment:
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.region_id != obligation.region_id:
        raise MonitorError("Kies een activiteit uit de lijst.")
    if activity.cancelled_at is not None or activity.starts_at > now:
        raise MonitorError("Alleen een activiteit die heeft plaatsgevonden kan een verplichting voldoen.")
    if activity.starts_at.year != year:
        raise MonitorError(f"Deze activiteit was niet in {year}.")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise MonitorError(f"Toelichting: hoogstens {NOTE_MAX} tekens; dit zijn er {len(note)}.")
    if obligation.code in UNANNOUNCED:
        other = db.session.scalar(db.select(ObligationFulfilment).join(ObligationFulfilment.obligation).where(
            ObligationFulfilment.activity_id == activity.id, ObligationFulfilment.year == year,
            OrganisationObligation.code.in_(UNANNOUNCED), OrganisationObligation.id != obligation.id))
        if other is not None:
            raise MonitorError("Deze activiteit telt al voor de andere onverwachte verplichting; één activiteit "
                               "telt voor de systeemtest óf voor de systeemoefening.")
    def stored():
        return db.session.scalar(db.select(ObligationFulfilment).filter_by(
            obligation_id=obligation.id, year=year, activity_id=activity.id))

    existing = stored()
    if existing is None:
        link = ObligationFulfilment(obligation_id=obligation.id, year=year, activity_id=activity.id,
                                    activity_title=activity.title, note=note, covers_all=covers_all,
                                    recorded_by_id=actor.id)
        if insert_once(link):
            audit.record(actor, "obligation_linked", link,
                         detail=f"{obligation.text[:80]} / {year}: {activity.title}")
            return link
        existing = stored()   # a parallel double tap stored it a moment ago
    # A double tap or a second link: update, never a duplicate.
    existing.note, existing.covers_all = note, covers_all
    return existing


def unlink(actor: User, link: ObligationFulfilment) -> None:
    audit.record(actor, "obligation_unlinked", link,
                 detail=f"{link.obligation.text[:80]} / {link.year}: {link.activity_title}")
    db.session.delete(link)
