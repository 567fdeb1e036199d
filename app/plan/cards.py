"""Start-page card: compact norm status for the user's functions."""
from app.norms import services as norms


def norms_card(user, today=None, planned=None, entries=None, approved=None) -> dict | None:
    """`planned`, `entries`, `approved`: as norms.progress takes them (the start page reads them once)."""
    if not user.function_rows:
        return None
    statuses = norms.progress(user, today, planned, entries, approved)
    if not statuses:
        return None
    order = {"behind": 0, "at_risk": 1, "done": 2, "info": 3}
    return {"statuses": sorted(statuses, key=lambda s: (order[s.status], s.function_code)),
            "summary": norms.summary(statuses)}
