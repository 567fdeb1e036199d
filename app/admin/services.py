"""Admin rules beyond single accounts: listing people, their functions and duty roster.

They change and audit; the request or command that called them commits (README, "Who commits")."""
from app import audit
from app.extensions import db
from app.models import Function, User, UserFunction


def list_users(region_id: int, query: str = "", limit: int = 200) -> list[User]:
    stmt = db.select(User).where(User.region_id == region_id).order_by(User.name).limit(limit)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(db.or_(db.func.lower(User.name).like(like), db.func.lower(User.email).like(like)))
    return db.session.scalars(stmt).all()


def region_functions(region_id: int) -> list[Function]:
    return db.session.scalars(
        db.select(Function).where(Function.region_id == region_id)
        .order_by(Function.is_key.desc(), Function.code)).all()


def set_functions(user: User, function_ids: list[int], on_duty_ids: list[int], actor=None) -> None:
    """Replace the user's functions; only functions of the user's own region are accepted."""
    allowed = {f.id: f for f in region_functions(user.region_id)}
    chosen = [allowed[i] for i in dict.fromkeys(function_ids) if i in allowed]
    since = {r.function_id: r.since for r in user.function_rows}   # a kept function keeps its start date
    user.function_rows = [UserFunction(function=f, on_duty=f.id in on_duty_ids, since=since.get(f.id))
                          for f in chosen]
    audit.record(actor, "functions_changed", user,
                 detail=",".join(f"{f.code}{'*' if f.id in on_duty_ids else ''}" for f in chosen))


def set_since(user: User, texts: dict[int, str], actor=None, today=None) -> tuple[bool, dict[int, str]]:
    """Set "in functie sinds" per function the user holds from `texts` {function_id: 'jjjj-mm-dd' or ''}.
    Returns (changed, errors by function id); with any error nothing is written. Audited with before and
    after per function."""
    from app.auth.services import AccountError, parse_since
    days, errors = {}, {}
    for row in user.function_rows:
        try:
            days[row.function_id] = parse_since(texts.get(row.function_id), today)
        except AccountError as exc:
            errors[row.function_id] = str(exc)
    if errors:
        return False, errors
    changes = []
    for row in user.function_rows:
        if row.since != days[row.function_id]:
            changes.append(f"{row.function.code}: {row.since or '—'} → {days[row.function_id] or '—'}")
            row.since = days[row.function_id]
    if changes:
        audit.record(actor, "since_changed", user, detail="; ".join(changes))
    return bool(changes), {}


def mail_problems(region_id: int, limit: int = 200) -> dict[str, list]:
    """Failed and still pending outbox messages to people of the region, newest first."""
    from app.models import OutboxMessage

    base = (db.select(OutboxMessage).join(User, User.id == OutboxMessage.user_id)
            .where(User.region_id == region_id, OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.id.desc()).limit(limit))
    return {"failed": db.session.scalars(base.where(OutboxMessage.failed_at.is_not(None))).all(),
            "pending": db.session.scalars(base.where(OutboxMessage.failed_at.is_(None))).all()}


def audit_entries(region_id: int, person: str = "", action: str = "", limit: int = 200):
    """Audit rows whose actor is of the region (or no one, e.g. a scheduled job), newest first;
    `person` matches the actor's name or address, `action` is exact. Returns (rows, names by id)."""
    from app.models import AuditLog

    stmt = (db.select(AuditLog, User).outerjoin(User, User.id == AuditLog.actor_id)
            .where(db.or_(User.region_id == region_id, AuditLog.actor_id.is_(None)))
            .order_by(AuditLog.id.desc()).limit(limit))
    if person.strip():
        like = f"%{person.strip().lower()}%"
        stmt = stmt.where(db.or_(db.func.lower(User.name).like(like), db.func.lower(User.email).like(like)))
    if action:
        stmt = stmt.where(AuditLog.action == action)
    return db.session.execute(stmt).all()


def audit_actions() -> list[str]:
    from app.models import AuditLog

    return db.session.scalars(db.select(AuditLog.action).distinct().order_by(AuditLog.action)).all()


def set_details(user: User, name: str, email: str, actor=None) -> bool:
    """Change a person's name and e-mail address (audited with before and after); False when nothing
    changed. Raises AccountError (Dutch) on a bad or taken address, writing nothing."""
    from app.auth.services import AccountError, find_by_email, normalise_email
    name, email = (name or "").strip(), normalise_email(email)
    if not name or len(name) > 120:
        raise AccountError("Geef een naam van 1 tot 120 tekens.")
    if not email or "@" not in email or len(email) > 254:
        raise AccountError("Geef een geldig e-mailadres.")
    other = find_by_email(email)
    if other is not None and other.id != user.id:
        raise AccountError(f"Er bestaat al een account met e-mailadres {email}.")
    changes = [f"{label}: {old} → {new}" for label, old, new in
               (("naam", user.name, name), ("e-mail", user.email, email)) if old != new]
    if not changes:
        return False
    user.name, user.email = name, email
    audit.record(actor, "details_changed", user, detail="; ".join(changes))
    return True
