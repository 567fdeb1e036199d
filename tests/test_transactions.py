"""The request's one transaction: a SAVEPOINT (insert_once, claim_submission) is part of it, never a commit."""
from app.extensions import db
from app.models import FormSubmission
from app.transactions import claim_submission
from tests import factories


def test_a_savepoint_as_the_first_write_is_undone_by_the_callers_rollback(app):
    person = factories.user()
    db.session.commit()
    row, first = claim_submission(person.id, "test", "nonce-1")   # the transaction's first write
    assert first and row.id is not None
    db.session.rollback()   # as a request that answers 422 does
    assert db.session.scalar(db.select(db.func.count()).select_from(FormSubmission)) == 0
    assert claim_submission(person.id, "test", "nonce-1")[1]   # the same form can be sent again
