"""Write the audit log: one call per login and per admin or coordinator change."""
from app.extensions import db
from app.models import AuditLog


def _fields(actor, action: str, obj, detail: str | None, object_type: str | None, object_id) -> dict:
    return dict(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or (type(obj).__name__.lower() if obj is not None else None),
        object_id=str(object_id if object_id is not None else getattr(obj, "id", "")) or None,
        detail=detail,
    )


def record(actor, action: str, obj=None, detail: str | None = None, object_type: str | None = None,
           object_id=None) -> AuditLog:
    """Add an audit row to the session; the caller's commit makes it durable with the change."""
    entry = AuditLog(**_fields(actor, action, obj, detail, object_type, object_id))
    db.session.add(entry)
    return entry


def record_kept(actor, action: str, obj=None, detail: str | None = None, object_type: str | None = None,
                object_id=None) -> None:
    """Write an audit row in a transaction of its own, kept although the request answers 4xx and rolls
    back: the trail of a refusal (a refused id, a failed login, a wrong current password)."""
    from app.transactions import own_transaction

    with own_transaction() as connection:
        connection.execute(AuditLog.__table__.insert().values(
            **_fields(actor, action, obj, detail, object_type, object_id)))
