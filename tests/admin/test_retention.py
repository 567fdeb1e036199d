"""The retention job deletes personal data of long-deactivated accounts, and nothing else."""
from datetime import date, datetime, timedelta

from app.admin.retention import purge
from app.extensions import db
from app.models import AuditLog, PortfolioEntry, User
from app.portfolio.services import record_entry
from tests import factories


def _deactivated(days_ago: int) -> User:
    person = factories.user(active=False)
    person.deactivated_at = datetime(2026, 11, 1) - timedelta(days=days_ago)
    record_entry(person.id, "deployment", date(2025, 5, 1), "Inzet brand", source="manual")
    db.session.commit()   # services leave the commit to the caller
    return person


def test_purge_removes_expired_accounts_and_their_portfolio(app):
    old = _deactivated(400)
    recent = _deactivated(10)
    active = factories.user()
    record_entry(active.id, "deployment", date(2025, 5, 1), "Inzet", source="manual")
    db.session.add(AuditLog(actor_id=old.id, action="login"))
    db.session.commit()
    old_id = old.id
    counts = purge(365, now=datetime(2026, 11, 1))
    db.session.commit()   # as `privacy purge` does
    assert counts["user"] == 1 and counts["portfolio_entry"] == 1
    assert db.session.get(User, old_id) is None
    owners = set(db.session.scalars(db.select(PortfolioEntry.user_id)))
    assert owners == {recent.id, active.id}
    # The audit trail stays, without the person.
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "login")).actor_id is None


def test_purge_dry_run_changes_nothing(app):
    _deactivated(400)
    counts = purge(365, now=datetime(2026, 11, 1), dry_run=True)
    assert counts["user"] == 1 and counts["portfolio_entry"] == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(PortfolioEntry)) == 1


def test_purge_cli(app, runner):
    _deactivated(10000)
    result = runner.invoke(args=["privacy", "purge", "--days", "30"])
    assert result.exit_code == 0 and "1 accounts verwijderd" in result.output
    db.session.rollback()   # the command committed its work: nothing is left to roll back
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
    assert runner.invoke(args=["privacy", "purge", "--days", "-1"]).exit_code == 1
