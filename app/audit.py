"""Write the audit log: one call per login and per admin or coordinator change."""
from app.extensions import db
from app.models import AuditLog


def record(actor, action: str, obj=None, detail: str | None = None, object_type: str | None = None,
           object_id=None) -> AuditLog:
    """Add an audit row to the session; the caller's commit makes it durable with the change."""
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or (type(obj).__name__.lower() if obj is not None else None),
        object_id=str(object_id if object_id is not None else getattr(obj, "id", "")) or None,
        detail=detail,
    )
    db.session.add(entry)
    return entry

