"""Data retention: personal data of accounts deactivated longer than the retention period is deleted.

Works over every table with a foreign key to user.id, so features that add personal tables are
covered without a change here: CASCADE/unspecified → rows deleted, SET NULL → reference cleared.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from app import audit
from app.extensions import db
from sqlalchemy import func, or_

from app.models import AuditLog, OutboxMessage, User
from app.models.core import utcnow


def expired_accounts(retention_days: int, now: datetime | None = None) -> list[User]:
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    return db.session.scalars(db.select(User).where(
        User.active.is_(False), User.deactivated_at.is_not(None), User.deactivated_at < cutoff)).all()


def _forget_addresses(ids: list[int]) -> dict[str, int]:
    """Mail to these accounts is deleted (it holds their address and what was said to them), and their
    address is blanked out of audit details; the audit rows themselves stay."""
    emails = db.session.scalars(db.select(User.email).where(User.id.in_(ids))).all()
    outbox = db.session.execute(db.delete(OutboxMessage).where(
        or_(OutboxMessage.user_id.in_(ids), OutboxMessage.to.in_(emails)))).rowcount
    audited = 0
    for email in emails:
        audited += db.session.execute(db.update(AuditLog).where(AuditLog.detail.contains(email, autoescape=True))
                                      .values(detail=func.replace(AuditLog.detail, email, "[verwijderd]"))
                                      ).rowcount
    return {"outbox_message (adres)": outbox, "audit_log (adres)": audited}


def purge(retention_days: int, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete the personal data and the account itself of expired accounts (the command commits);
    returns rows per table. A dry run only counts."""
    ids = [u.id for u in expired_accounts(retention_days, now)]
    counts: dict[str, int] = {"user": len(ids)}
    if not ids:
        return counts
    user_table = User.__table__
    if not dry_run:
        counts.update(_forget_addresses(ids))
    # Children first: sorted_tables is parents-before-children, so walk it backwards.
    for table in reversed(db.metadata.sorted_tables):
        if table is user_table:
            continue
        for fk in table.foreign_keys:
            if fk.column.table is not user_table:
                continue
            column = fk.parent
            where = column.in_(ids)
            if fk.ondelete and fk.ondelete.upper() == "SET NULL":
                stmt = table.update().where(where).values({column.name: None})
            else:
                stmt = table.delete().where(where)
            if dry_run:
                counts[table.name] = counts.get(table.name, 0) + db.session.scalar(
                    db.select(db.func.count()).select_from(table).where(where))
            else:
                counts[table.name] = counts.get(table.name, 0) + db.session.execute(stmt).rowcount
    if dry_run:
        return counts
    db.session.execute(user_table.delete().where(user_table.c.id.in_(ids)))
    audit.record(None, "retention_purge", object_type="user", detail=f"{len(ids)} accounts: {ids}")
    return counts
