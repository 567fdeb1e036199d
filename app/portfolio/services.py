"""Portfolio rules. `record_entry` is how every feature adds evidence; it is idempotent per source."""
from __future__ import annotations

from datetime import date, timedelta

from app import mail
from app.extensions import db
from app.models import (ENTRY_KINDS, Competency, DevelopmentPlan, EntryCompetency, EntryGoal, ObservationNote,
                        PeerObservation, PlanGoal, PortfolioEntry, Reflection, User, UserFunction)
from app.models.core import utcnow
from app.transactions import insert_once
from app.urls import public_url


def _sourced(user_id: int, source: str, source_ref: str) -> PortfolioEntry | None:
    return db.session.scalar(db.select(PortfolioEntry).filter_by(user_id=user_id, source=source,
                                                                 source_ref=str(source_ref)))


def record_entry(user_id: int, kind: str, occurred_on: date, title: str, *, activity_kind: str | None = None,
                 source: str = "manual", source_ref: str | None = None, notes: str | None = None) -> PortfolioEntry:
    """Add (or update) the entry for this source; a second call with the same source_ref changes, never adds.
    Like every service it adds to the session and leaves the commit to the caller (README, "Who commits")."""
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown portfolio entry kind {kind!r}")
    entry = _sourced(user_id, source, source_ref) if source_ref is not None else None
    if entry is None:
        entry = PortfolioEntry(user_id=user_id, source=source,
                               source_ref=str(source_ref) if source_ref is not None else None)
        db.session.add(entry)
    entry.kind, entry.occurred_on, entry.title = kind, occurred_on, title[:200]
    entry.activity_kind, entry.notes = activity_kind, notes
    return entry


def remove_entry(user_id: int, source: str, source_ref: str) -> bool:
    """Remove the entry of a source object (e.g. attendance withdrawn); True when one was removed."""
    entry = _sourced(user_id, source, source_ref)
    if entry is None:
        return False
    db.session.delete(entry)
    return True


# ---------------------------------------------------------------------------------------------
# The person's portfolio: manual entries, links, feedup/reflection, peer observation, privacy.
# ---------------------------------------------------------------------------------------------
KIND_LABELS = {
    "activity": "Oefening of training", "deployment": "Inzet", "module_read": "Microlearning gelezen",
    "quiz": "Oefenvragen gemaakt", "peer_observation": "Waarneming collega", "briefing": "Operationele briefing",
    "knowledge_day": "Kennis- of trainingsdag", "other": "Ander bewijs",
}
# What a hand-made entry of each kind counts for (ActivityKind.code); exercises choose their own kind.
MANUAL_KINDS = ("activity", "deployment", "briefing", "knowledge_day", "other")
DEFAULT_ACTIVITY_KIND = {"briefing": "ops_briefing", "knowledge_day": "knowledge_day"}
EXERCISE_KINDS = ("multi_exercise", "system_exercise", "startup_exercise", "table_exercise_4h",
                  "masterclass", "council_training", "icr", "icr_comm", "crisis_competence_scan")
ATTENDED_KINDS = ("activity", "deployment", "briefing", "knowledge_day")


class PortfolioError(ValueError):
    """A rule was broken; the message is Dutch and shown to the user. `field` names the form field it
    is about (the page marks that field and links the error summary to it), None for the whole form."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def list_entries(user: User, kind: str | None = None, year: int | None = None) -> list[PortfolioEntry]:
    query = db.select(PortfolioEntry).where(PortfolioEntry.user_id == user.id)
    if kind:
        query = query.where(PortfolioEntry.kind == kind)
    if year:
        query = query.where(PortfolioEntry.occurred_on.between(date(year, 1, 1), date(year, 12, 31)))
    return db.session.scalars(query.order_by(PortfolioEntry.occurred_on.desc(), PortfolioEntry.id.desc())).all()


def add_manual_entry(user: User, kind: str, occurred_on: date, title: str, *, nonce: str,
                     activity_kind: str | None = None, notes: str | None = None, incident_type: str | None = None,
                     role: str | None = None, grip_level: str | None = None, competency_codes=(),
                     goal_ids=()) -> tuple[PortfolioEntry, bool]:
    """A hand-made entry (the form checked what was typed); the form nonce is its source_ref, so a
    double tap gives one entry. Returns (entry, created).

    What it counts for follows from the kind: an exercise names its own kind, a briefing or knowledge
    day counts for that norm, a deployment or other evidence for none."""
    if kind not in MANUAL_KINDS or (kind == "activity" and activity_kind not in EXERCISE_KINDS):
        raise ValueError(f"no hand-made entry of kind {kind!r} ({activity_kind!r})")
    if kind != "activity":
        activity_kind = DEFAULT_ACTIVITY_KIND.get(kind)
    competencies = _competencies(user, competency_codes)
    goals = _goals(user, goal_ids)
    existing = _sourced(user.id, "manual", nonce)
    if existing is not None:
        return existing, False
    deployment = kind == "deployment"
    entry = PortfolioEntry(
        user_id=user.id, source="manual", source_ref=nonce, kind=kind, occurred_on=occurred_on, title=title[:200],
        activity_kind=activity_kind, notes=(notes or "").strip() or None,
        incident_type=(incident_type or "").strip()[:120] or None if deployment else None,
        role=(role or "").strip()[:120] or None if deployment else None,
        grip_level=grip_level or None if deployment else None)
    if not insert_once(entry):  # the other tap of a double tap stored it first
        return _sourced(user.id, "manual", nonce), False
    _set_links(entry, competencies, goals)
    return entry, True


def _competencies(user: User, codes) -> list[Competency]:
    codes = [c for c in codes if c]
    if not codes:
        return []
    found = db.session.scalars(db.select(Competency).where(Competency.region_id == user.region_id,
                                                           Competency.code.in_(codes))).all()
    if len(found) != len(set(codes)):
        raise PortfolioError("Een gekozen crisiscompetentie bestaat niet.", field="competencies")
    return found


def _goals(user: User, goal_ids) -> list[PlanGoal]:
    ids = {int(g) for g in goal_ids if str(g).isdigit()}
    if not ids:
        return []
    found = db.session.scalars(db.select(PlanGoal).join(DevelopmentPlan).where(
        PlanGoal.id.in_(ids), DevelopmentPlan.user_id == user.id)).all()
    if len(found) != len(ids):
        raise PortfolioError("Een gekozen leerdoel hoort niet bij jouw plan.", field="goals")
    return found


def _set_links(entry: PortfolioEntry, competencies, goals) -> None:
    db.session.execute(db.delete(EntryCompetency).where(EntryCompetency.entry_id == entry.id))
    db.session.execute(db.delete(EntryGoal).where(EntryGoal.entry_id == entry.id))
    for c in competencies:
        db.session.add(EntryCompetency(entry_id=entry.id, competency_id=c.id))
    for g in goals:
        db.session.add(EntryGoal(entry_id=entry.id, goal_id=g.id))


def set_links(user: User, entry: PortfolioEntry, competency_codes=(), goal_ids=()) -> None:
    competencies, goals = _competencies(user, competency_codes), _goals(user, goal_ids)
    _set_links(entry, competencies, goals)


def year_plan(user: User, year: int) -> DevelopmentPlan | None:
    """The person's plan of that year, read only: its goals an entry can serve, and the print."""
    return db.session.scalar(db.select(DevelopmentPlan).filter_by(user_id=user.id, year=year))


def entry_links(entry: PortfolioEntry) -> tuple[list[Competency], list[PlanGoal]]:
    competencies = db.session.scalars(db.select(Competency).join(
        EntryCompetency, EntryCompetency.competency_id == Competency.id)
        .where(EntryCompetency.entry_id == entry.id).order_by(Competency.name)).all()
    goals = db.session.scalars(db.select(PlanGoal).join(EntryGoal, EntryGoal.goal_id == PlanGoal.id)
                               .where(EntryGoal.entry_id == entry.id).order_by(PlanGoal.id)).all()
    return competencies, goals


def remove_manual_entry(user: User, entry: PortfolioEntry) -> None:
    if entry.user_id != user.id or entry.source != "manual":
        raise PortfolioError("Alleen wat je zelf toevoegde kun je verwijderen.")
    db.session.delete(entry)


def set_shared(user: User, entry: PortfolioEntry, shared: bool) -> None:
    entry.shared_with_coordinator = bool(shared)


# --- feedup and reflection -------------------------------------------------------------------

def _entry_activity_id(entry: PortfolioEntry) -> int | None:
    """The activity an attendance entry came from (activities writes source_ref = activity id)."""
    if entry.source == "attendance" and entry.source_ref and entry.source_ref.isdigit():
        return int(entry.source_ref)
    return None


def texts_for_entry(user: User, entry: PortfolioEntry) -> dict[str, Reflection | None]:
    """The user's feedup and reflection on this entry (also those written for its activity)."""
    activity_id = _entry_activity_id(entry)
    conditions = [Reflection.entry_id == entry.id]
    if activity_id is not None:
        conditions.append(Reflection.activity_id == activity_id)
    rows = db.session.scalars(db.select(Reflection).where(Reflection.user_id == user.id,
                                                         db.or_(*conditions))).all()
    result = {"feedup": None, "reflection": None}
    for row in rows:
        if result[row.kind] is None or row.entry_id == entry.id:
            result[row.kind] = row
    return result


def text_for_activity(user: User, kind: str, activity_id: int) -> Reflection | None:
    return db.session.scalar(db.select(Reflection).filter_by(user_id=user.id, kind=kind, activity_id=activity_id))


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def save_feedup(user: User, learn: str, *, entry: PortfolioEntry | None = None, activity_id: int | None = None,
                title: str = "") -> Reflection:
    learn = _text(learn)
    if not learn:
        raise PortfolioError("Vul in: wat wil je hier leren.", field="learn")
    return _save(user, "feedup", entry, activity_id, title, learn=learn)


def save_reflection(user: User, went_well: str, to_develop: str, goal_id: int | None = None, *,
                    entry: PortfolioEntry | None = None, activity_id: int | None = None,
                    title: str = "") -> Reflection:
    went_well, to_develop = _text(went_well), _text(to_develop)
    if not went_well and not to_develop:
        raise PortfolioError("Schrijf op wat goed ging of wat je wilt ontwikkelen.")
    goal = _goals(user, [goal_id])[0] if goal_id else None
    return _save(user, "reflection", entry, activity_id, title, went_well=went_well, to_develop=to_develop,
                 goal_id=goal.id if goal else None)


def save_texts(user: User, entry: PortfolioEntry, learn: str, went_well: str, to_develop: str,
               goal_id: int | None = None) -> list[str]:
    """One save for an entry's feedup and reflection, so neither text is lost by saving the other.
    Everything is checked before anything is stored; a field emptied on purpose removes that text.
    Returns what changed, for the message ("feedup", "reflectie")."""
    learn, went_well, to_develop = _text(learn), _text(went_well), _text(to_develop)
    goal = _goals(user, [goal_id])[0] if goal_id else None
    current = texts_for_entry(user, entry)
    if not (learn or went_well or to_develop or current["feedup"] or current["reflection"]):
        if entry.kind == "deployment":   # the page asks a deployment for a reflection only
            raise PortfolioError("Schrijf op wat goed ging of wat je wilt ontwikkelen.", field="went_well")
        raise PortfolioError("Schrijf je feedup of je reflectie.")
    changed = []
    if learn:
        save_feedup(user, learn, entry=entry)
        changed.append("feedup")
    elif current["feedup"] is not None:
        db.session.delete(current["feedup"])
        changed.append("feedup")
    if went_well or to_develop:
        save_reflection(user, went_well, to_develop, goal.id if goal else None, entry=entry)
        changed.append("reflectie")
    elif current["reflection"] is not None:
        db.session.delete(current["reflection"])
        changed.append("reflectie")
    return changed


def _save(user: User, kind: str, entry, activity_id, title, **fields) -> Reflection:
    """Upsert: one feedup and one reflection per entry/activity, so a double tap saves once."""
    if entry is not None:
        activity_id = activity_id or _entry_activity_id(entry)
        fields.update(entry_id=entry.id, title=entry.title[:200])
    else:
        fields["title"] = (title or "")[:200]

    def current() -> Reflection | None:
        return texts_for_entry(user, entry)[kind] if entry is not None else text_for_activity(user, kind, activity_id)

    row = current()
    if row is None:
        row = Reflection(user_id=user.id, kind=kind, activity_id=activity_id, **fields)
        if insert_once(row):
            return row
        row = current()  # a parallel tap stored it first: change that one
    for key, value in fields.items():
        setattr(row, key, value)
    return row


def entries_until(user: User, today: date) -> list[PortfolioEntry]:
    """Every portfolio entry of the person up to `today`, in date order: what the start page's norm and
    reflection cards both read (once per request)."""
    return db.session.scalars(db.select(PortfolioEntry).where(
        PortfolioEntry.user_id == user.id, PortfolioEntry.occurred_on <= today)
        .order_by(PortfolioEntry.occurred_on, PortfolioEntry.id)).all()


def reflection_prompts(user: User, today: date | None = None, planned: list | None = None,
                       entries: list[PortfolioEntry] | None = None) -> dict[str, list]:
    """Start-page prompts: feedup for planned activities in the next 14 days, reflection for
    activities attended in the last 30 days that have none yet.

    `planned` (from today on, at least 14 days ahead) and `entries` (as `entries_until`) may be given
    by the start page, which reads them once for more than one card; else they are read here."""
    from app.norms.planned import planned_for
    today = today or date.today()
    horizon, month_ago = today + timedelta(days=14), today - timedelta(days=30)
    if planned is None:
        planned = planned_for(user, today, horizon)
    planned = [p for p in planned if today <= p.on <= horizon and str(p.ref).isdigit()]
    if entries is None:
        recent = db.session.scalars(db.select(PortfolioEntry).where(
            PortfolioEntry.user_id == user.id, PortfolioEntry.kind.in_(ATTENDED_KINDS),
            PortfolioEntry.occurred_on.between(month_ago, today))
            .order_by(PortfolioEntry.occurred_on, PortfolioEntry.id)).all()
    else:
        recent = [e for e in entries if e.kind in ATTENDED_KINDS and month_ago <= e.occurred_on <= today]
    texts = db.session.execute(db.select(Reflection.kind, Reflection.entry_id, Reflection.activity_id).where(
        Reflection.user_id == user.id, Reflection.kind.in_(("feedup", "reflection")))).all()
    have_feedup = {t.activity_id for t in texts if t.kind == "feedup" and t.activity_id}
    done_entries = {t.entry_id for t in texts if t.kind == "reflection" and t.entry_id}
    done_activities = {t.activity_id for t in texts if t.kind == "reflection" and t.activity_id}
    feedup = [p for p in planned if int(p.ref) not in have_feedup]
    reflection = [e for e in reversed(recent)
                  if e.id not in done_entries and _entry_activity_id(e) not in done_activities]
    return {"feedup": feedup, "reflection": reflection}


# --- peer observation (vakman herkent vakman) ------------------------------------------------

def colleagues_for(user: User) -> list[User]:
    """People in the region who share at least one function with the user."""
    function_ids = [r.function_id for r in user.function_rows]
    if not function_ids:
        return []
    return db.session.scalars(
        db.select(User).where(User.region_id == user.region_id, User.active.is_(True), User.id != user.id,
                              User.id.in_(db.select(UserFunction.user_id)
                                          .where(UserFunction.function_id.in_(function_ids))))
        .order_by(User.name)).all()


def invite_observer(user: User, colleague_id: int, *, entry: PortfolioEntry | None = None,
                    activity_id: int | None = None, title: str = "", occurred_on: date | None = None,
                    nonce: str | None = None) -> tuple[PeerObservation, bool]:
    colleague = next((c for c in colleagues_for(user) if c.id == colleague_id), None)
    if colleague is None:
        raise PortfolioError("Kies een collega met dezelfde functie.", field="colleague")
    if entry is not None:
        title, occurred_on = entry.title, entry.occurred_on
    if not title or occurred_on is None:
        raise PortfolioError("Kies de activiteit waarbij je collega je waarneemt.")

    def sent_before() -> PeerObservation | None:
        return db.session.scalar(db.select(PeerObservation).filter_by(observed_id=user.id, nonce=nonce)) \
            if nonce else None

    existing = sent_before()
    if existing is not None:
        return existing, False
    obs = PeerObservation(observed_id=user.id, observer_id=colleague.id, entry_id=entry.id if entry else None,
                          activity_id=activity_id, title=title[:200], occurred_on=occurred_on, nonce=nonce)
    if not insert_once(obs):  # the other tap of a double tap sent it
        return sent_before(), False
    mail.send(colleague.email, f"{user.name} vraagt je om een waarneming",
              f"Beste {colleague.name},\n\n{user.name} vraagt of je wilt waarnemen bij '{obs.title}' "
              f"({occurred_on:%d-%m-%Y}) en per leerdoel van {user.name} wilt opschrijven wat je zag "
              f"(vakman herkent vakman). "
              f"Schrijf je waarneming op: {public_url('portfolio.observe', obs_id=obs.id)}\n\nPARAAT",
              user=colleague)
    return obs, True


def observations_to_give(user: User) -> list[PeerObservation]:
    return db.session.scalars(db.select(PeerObservation).where(PeerObservation.observer_id == user.id)
                              .order_by(PeerObservation.status.desc(), PeerObservation.occurred_on.desc())).all()


def observed_goals(obs: PeerObservation) -> list[PlanGoal]:
    """The learning goals of the observed person in the year of the activity (what to observe)."""
    return db.session.scalars(db.select(PlanGoal).join(DevelopmentPlan).where(
        DevelopmentPlan.user_id == obs.observed_id, DevelopmentPlan.year == obs.occurred_on.year)
        .order_by(PlanGoal.id)).all()


def observation_notes(obs: PeerObservation) -> list[ObservationNote]:
    return db.session.scalars(db.select(ObservationNote).filter_by(observation_id=obs.id)
                              .order_by(ObservationNote.id)).all()


def record_observation(observer: User, obs: PeerObservation, notes: dict[int, str], general: str) -> PeerObservation:
    """Save what the observer saw per goal; both get a peer_observation entry (see README: it counts
    for the 'Waarneming collega' norm of the observed and of the observer — "collega's nemen elkaar waar")."""
    if obs.observer_id != observer.id:
        raise PortfolioError("Deze waarneming is niet aan jou gevraagd.")
    goals = {g.id: g for g in observed_goals(obs)}
    cleaned = {gid: _text(text) for gid, text in notes.items() if gid in goals}
    general = _text(general)
    if not general and not any(cleaned.values()):
        raise PortfolioError("Schrijf minstens één waarneming op.")
    # The first save marks it done in one UPDATE: of two taps at once, the second waits for the first
    # and finds it done, so the observed person gets one mail.
    first_time = db.session.execute(
        db.update(PeerObservation).where(PeerObservation.id == obs.id, PeerObservation.status != "done")
        .values(status="done", completed_at=utcnow())).rowcount == 1
    existing = {n.goal_id: n for n in observation_notes(obs)}
    for gid, text in cleaned.items():
        note = existing.get(gid)
        if text and note is None:
            db.session.add(ObservationNote(observation_id=obs.id, goal_id=gid, goal_text=goals[gid].text, text=text))
        elif text:
            note.text = text
        elif note is not None:
            db.session.delete(note)
    obs.general = general
    observed = db.session.get(User, obs.observed_id)
    record_entry(observed.id, "peer_observation", obs.occurred_on, f"Waarneming door {observer.name}: {obs.title}",
                 activity_kind="peer_observation", source="observation_received", source_ref=str(obs.id))
    record_entry(observer.id, "peer_observation", obs.occurred_on, f"Waarneming van {observed.name}: {obs.title}",
                 activity_kind="peer_observation", source="observation_given", source_ref=str(obs.id))
    if first_time:
        mail.send(observed.email, f"{observer.name} heeft een waarneming vastgelegd",
                  f"Beste {observed.name},\n\n{observer.name} heeft de waarneming bij '{obs.title}' vastgelegd. "
                  f"Je leest ze in je portfolio: {public_url('portfolio.index')}\n\nPARAAT", user=observed)
    return obs


def observations_received(user: User, entry: PortfolioEntry | None = None) -> list[PeerObservation]:
    query = db.select(PeerObservation).where(PeerObservation.observed_id == user.id)
    if entry is not None:
        if entry.source == "observation_received" and entry.source_ref and entry.source_ref.isdigit():
            query = query.where(db.or_(PeerObservation.entry_id == entry.id,
                                       PeerObservation.id == int(entry.source_ref)))
        else:
            query = query.where(PeerObservation.entry_id == entry.id)
    return db.session.scalars(query.order_by(PeerObservation.occurred_on.desc())).all()


# --- what the coordinator may see, and the export ----------------------------------------------

def shared_entries_for_coordinator(user: User) -> list[dict]:
    """Only the entries the person shared, with their feedup, reflection and received observations.

    Everything else stays private: monitoring must use this, never the tables directly.
    """
    entries = db.session.scalars(db.select(PortfolioEntry).where(
        PortfolioEntry.user_id == user.id, PortfolioEntry.shared_with_coordinator.is_(True))
        .order_by(PortfolioEntry.occurred_on.desc())).all()
    result = []
    for entry in entries:
        texts = texts_for_entry(user, entry)
        result.append({
            "entry_id": entry.id, "title": entry.title, "kind": entry.kind, "occurred_on": entry.occurred_on,
            "feedup": texts["feedup"].learn if texts["feedup"] else None,
            "went_well": texts["reflection"].went_well if texts["reflection"] else None,
            "to_develop": texts["reflection"].to_develop if texts["reflection"] else None,
            "observations": [_observation_dict(o) for o in observations_received(user, entry) if o.status == "done"],
        })
    return result


def _observation_dict(obs: PeerObservation) -> dict:
    observer = db.session.get(User, obs.observer_id)
    return {"id": obs.id, "title": obs.title, "occurred_on": obs.occurred_on.isoformat(),
            "observer": observer.name if observer else None, "status": obs.status, "general": obs.general,
            "notes": [{"goal": n.goal_text, "text": n.text} for n in observation_notes(obs)]}


def export_data(user: User) -> dict:
    """Everything of the person: plans, entries with texts and links, observations given and received."""
    plans = db.session.scalars(db.select(DevelopmentPlan).filter_by(user_id=user.id)
                               .order_by(DevelopmentPlan.year)).all()
    entries = list_entries(user)
    reflections = db.session.scalars(db.select(Reflection).filter_by(user_id=user.id)
                                     .order_by(Reflection.created_at)).all()
    return {
        "format": "paraat-portfolio/1",
        "person": {"name": user.name, "email": user.email, "functions": user.function_codes},
        "plans": [{
            "year": p.year, "closed": p.closed,
            "review_held_on": p.review_held_on.isoformat() if p.review_held_on else None,
            "goals": [{"id": g.id, "text": g.text, "status": g.status,
                       "competency": g.competency.code if g.competency else None} for g in p.goals],
            "competencies": [{"code": pc.competency.code if pc.competency else None, "name": pc.name,
                              "level": pc.level, "status": pc.status, "motivation": pc.motivation,
                              "decision_comment": pc.decision_comment} for pc in p.competencies],
        } for p in plans],
        "entries": [_entry_dict(e) for e in entries],
        "feedup_and_reflections": [{
            "kind": r.kind, "title": r.title, "entry_id": r.entry_id, "activity_id": r.activity_id,
            "learn": r.learn, "went_well": r.went_well, "to_develop": r.to_develop, "goal_id": r.goal_id,
            "updated_at": r.updated_at.isoformat()} for r in reflections],
        "observations_received": [_observation_dict(o) for o in observations_received(user)],
        "observations_given": [{**_observation_dict(o), "observed": db.session.get(User, o.observed_id).name}
                               for o in observations_to_give(user)],
    }


def _entry_dict(entry: PortfolioEntry) -> dict:
    competencies, goals = entry_links(entry)
    return {"id": entry.id, "kind": entry.kind, "activity_kind": entry.activity_kind,
            "occurred_on": entry.occurred_on.isoformat(), "title": entry.title, "source": entry.source,
            "notes": entry.notes, "incident_type": entry.incident_type, "role": entry.role,
            "grip_level": entry.grip_level, "shared_with_coordinator": entry.shared_with_coordinator,
            "competencies": [c.code for c in competencies], "goal_ids": [g.id for g in goals]}
