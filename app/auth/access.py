"""The one permission layer: may this person see or change this object?

Every object a URL can name has one rule here (`RULES`, keyed by model and purpose). Routes fetch
with `get_or_404(Model, id)` (or `obtain` when None suits them better); services and templates ask
`allowed(user, obj)`. A refusal is answered as if the object did not exist (404, so ids cannot be
probed) and audit-logged as `access_refused` in a transaction of its own, so it is kept whatever
the request does next (the request itself rolls back on an error; see README, "Who commits").

Roles ("only coordinators") stay with `@role_required` on the route; the rules here are about the
object: whose it is and in which region it lives. tests/test_idor.py sweeps the URL map with these
rules as its oracle.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from flask import abort
from flask_login import current_user

from app import audit
from app.extensions import db
from app.models import (Activity, ObligationFulfilment, OrganisationObligation, PeerObservation,
                        PlanCompetency, PlanGoal, PortfolioEntry, QuizAttempt, Registration, RegistrationRound,
                        ReviewCard, User)

MAX_ID = 2**31 - 1   # the largest id an INTEGER column holds; larger ids name nothing

Rule = Callable[..., bool]   # (user, obj, **context) -> bool
RULES: dict[tuple[type, str], Rule] = {}


def rule(model: type, purpose: str = "view"):
    def register(check: Rule) -> Rule:
        RULES[(model, purpose)] = check
        return check
    return register


def _is_coordinator(user: User) -> bool:
    return user.has_role("coordinator", "admin")


def _local_now() -> datetime:
    from app.activities.base import local_now
    return local_now()


# --- The rules, one per object kind (and purpose where two differ) --------------------------------

def _own(model, column: str = "user_id") -> Rule:
    return lambda user, obj, **_: getattr(obj, column) == user.id


def _same_region(user, obj, **_) -> bool:
    return obj.region_id == user.region_id


RULES[(Registration, "view")] = _own(Registration)
RULES[(PortfolioEntry, "view")] = _own(PortfolioEntry)
RULES[(ReviewCard, "view")] = _own(ReviewCard)
RULES[(QuizAttempt, "view")] = _own(QuizAttempt)
RULES[(PeerObservation, "observe")] = _own(PeerObservation, "observer_id")
RULES[(User, "view")] = _same_region
RULES[(RegistrationRound, "view")] = _same_region
RULES[(OrganisationObligation, "view")] = _same_region


@rule(Activity)
def _activity(user: User, activity: Activity, now: datetime | None = None) -> bool:
    """In the person's region; an unannounced exercise stays hidden from functionaries until it starts."""
    if activity.region_id != user.region_id:
        return False
    return _is_coordinator(user) or not (activity.unannounced and activity.starts_at > (now or _local_now()))


@rule(PlanGoal)
def _plan_goal(user: User, goal: PlanGoal, **_) -> bool:
    return goal.plan.user_id == user.id


@rule(PlanCompetency)
def _plan_competency(user: User, pc: PlanCompetency, **_) -> bool:
    return pc.plan.user_id == user.id


@rule(PlanCompetency, "decide")
def _proposal(user: User, pc: PlanCompetency, **_) -> bool:
    """A coordinator decides the proposals of people in their own region."""
    owner = db.session.get(User, pc.plan.user_id)
    return owner is not None and owner.region_id == user.region_id


@rule(ObligationFulfilment)
def _fulfilment(user: User, link: ObligationFulfilment, **_) -> bool:
    return link.obligation.region_id == user.region_id


# --- Asking -------------------------------------------------------------------------------------

def allowed(user: User, obj, purpose: str = "view", **context) -> bool:
    """May `user` use `obj` for `purpose`? False for None and for anonymous users.

    `context` passes what a rule may need besides the two, e.g. `now=` for an activity.
    """
    if obj is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    check = RULES.get((type(obj), purpose))
    if check is None:
        raise LookupError(f"no access rule for {type(obj).__name__}/{purpose}")
    return bool(check(user, obj, **context))


def obtain(model: type, obj_id, user: User | None = None, purpose: str = "view"):
    """The object when it exists and `user` (default: the logged-in person) may use it; else None.

    Every refusal is audit-logged, of someone else's object and of an id that names nothing alike
    (both are probes); an id no INTEGER column can hold is refused without asking the database.
    """
    user = user if user is not None else current_user
    if not isinstance(obj_id, int) or not 0 < obj_id <= MAX_ID:
        return None
    obj = db.session.get(model, obj_id)
    if not allowed(user, obj, purpose):
        record_refusal(user, model.__tablename__, obj_id, purpose if obj is not None else f"{purpose}: bestaat niet")
        return None
    return obj


def get_or_404(model: type, obj_id, purpose: str = "view", user: User | None = None):
    """`obtain`, answering 404 (the Dutch "bestaat niet") when the person may not have it."""
    obj = obtain(model, obj_id, user, purpose)
    if obj is None:
        abort(404)
    return obj


def record_refusal(user: User, object_type: str, object_id, purpose: str = "view") -> None:
    """Audit a refused id in its own short transaction (kept even when the request rolls back)."""
    audit.record_kept(user, "access_refused", object_type=object_type, object_id=str(object_id)[:40],
                      detail=purpose)
