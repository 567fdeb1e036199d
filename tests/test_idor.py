"""IDOR: every route with an id in its path refuses someone else's object, for every role.

The oracle is the permission layer itself (app/auth/access.py): for each object the test asks
`access.allowed(viewer, obj)`; where it says no, the route must answer 403/404 without the object,
and a 404 for a database object must have gone through the layer (an `access_refused` audit row).

The routes come from the URL map (no hand-kept list). Each path argument is looked up in
SCENARIOS, which says how to create an object that belongs to another person or another region.
A new route with an argument that is not in the table fails `test_every_path_argument_is_covered`,
so it cannot slip through untested.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Rule

from app.auth import access
from app.extensions import db
from app.models import (Activity, ActivitySeat, AuditLog, ObligationFulfilment, OrganisationObligation,
                        PeerObservation, PlanCompetency, PlanGoal, PortfolioEntry, QuizAttempt, Registration,
                        RegistrationRound, ReviewCard, User)
from tests import factories
from tests.url_map import rules

pytestmark = pytest.mark.sqlite_only  # a sweep over routes; their services are tested on both databases

ROLES = ("functionary", "author", "coordinator", "admin")
QUIZ = "crisisdiagnose-basis"
DRAFT_MODULE = "crisisintervisie-concept"


def _marker() -> str:
    # A text that appears only in the foreign object: seeing it in a response means a leak.
    return f"GEHEIM-{secrets.token_hex(4)}"


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


# --- how to make someone else's object, per path argument ----------------------------------------
# make(owner) -> (values for the rule's arguments, marker text or None)

def _activity(owner, marker=None):
    fn = factories.function("OL", reg=owner.region)
    starts = _now() + timedelta(days=30)
    activity = Activity(region_id=owner.region_id, kind="multi_exercise", title=marker or _marker(),
                        description=marker or "", starts_at=starts, ends_at=starts + timedelta(hours=3))
    activity.seat_rows = [ActivitySeat(function_id=fn.id, seats=4, seats_taken=1)]
    db.session.add(activity)
    db.session.commit()
    return activity


def make_activity(owner):
    marker = _marker()
    activity = _activity(owner, marker)
    db.session.add(Registration(user_id=owner.id, activity_id=activity.id, status="assigned",
                                function_id=activity.seat_rows[0].function_id))
    db.session.commit()
    return {"activity_id": activity.id}, marker


def make_registration(owner):
    activity = _activity(owner)
    reg = Registration(user_id=owner.id, activity_id=activity.id, status="offered",
                       function_id=activity.seat_rows[0].function_id,
                       offer_expires_at=_now() + timedelta(days=1))
    db.session.add(reg)
    db.session.commit()
    return {"registration_id": reg.id}, activity.title


def make_round(owner):
    marker = _marker()
    rnd = RegistrationRound(region_id=owner.region_id, name=marker, opens_at=_now() - timedelta(days=1),
                            closes_at=_now() + timedelta(days=7), seed=marker,
                            instance_json='{"seed": "%s"}' % marker, result_json='{"seed": "%s"}' % marker)
    db.session.add(rnd)
    db.session.commit()
    return {"round_id": rnd.id}, marker


def make_person(owner):
    return {"user_id": owner.id, "person_id": owner.id}, owner.name


def make_entry(owner):
    from app.portfolio.services import record_entry
    marker = _marker()
    entry = record_entry(owner.id, "other", date.today(), marker, source="manual", source_ref=marker)
    db.session.commit()
    return {"entry_id": entry.id}, marker


def make_observation(owner):
    marker = _marker()
    observer = factories.user(reg=owner.region)
    obs = PeerObservation(observed_id=owner.id, observer_id=observer.id, title=marker,
                          occurred_on=date.today(), nonce=marker)
    db.session.add(obs)
    db.session.commit()
    return {"obs_id": obs.id}, marker


def make_goal(owner):
    from app.plan.services import add_goal
    marker = _marker()
    goal = add_goal(owner, date.today().year, f"{marker} beter vergaderen")
    db.session.commit()
    return {"goal_id": goal.id}, marker


def make_plan_competency(owner):
    from app.plan.services import propose_competency
    marker = _marker()
    pc = propose_competency(owner, date.today().year, marker, f"Motivatie {marker}", "basis")
    db.session.commit()
    return {"pc_id": pc.id}, marker


def make_review_card(owner):
    from fsrs import Rating

    from app.quizzes.review import record_review as review
    card = review(owner, QUIZ, "q1", Rating.Again, now=datetime.utcnow() - timedelta(days=30))
    db.session.commit()
    return {"card_id": card.id}, None


def make_attempt(owner):
    from app.quizzes import services
    from app.quizzes.loader import get_quiz
    quiz = get_quiz(QUIZ)
    attempt = services.start_attempt(owner, quiz)
    question = quiz.questions[0]
    services.answer_question(owner, quiz, attempt, question.id, 1)
    db.session.commit()
    return {"slug": QUIZ, "attempt_id": attempt.id, "question_id": question.id}, None


def make_obligation(owner):
    marker = _marker()
    item = OrganisationObligation(region_id=owner.region_id, text=marker)
    db.session.add(item)
    db.session.commit()
    return {"obligation_id": item.id}, marker


def make_fulfilment(owner):
    _values, marker = make_obligation(owner)
    link = ObligationFulfilment(obligation_id=_values["obligation_id"], year=date.today().year,
                                activity_title=marker, note=marker)
    db.session.add(link)
    db.session.commit()
    return {"fulfilment_id": link.id}, marker


def make_function_code(owner):
    code = f"X{secrets.token_hex(3).upper()}"
    factories.function(code, name=f"Functie {code}", reg=owner.region)
    return {"code": code}, f"Functie {code}"


def make_spent_token(owner):
    from app.auth.reset import make_token
    token = make_token(owner)
    owner.session_version += 1  # the link was used (or the password changed): it must be dead
    db.session.commit()
    return {"token": token}, None


def make_old_calendar_token(owner):
    from app.auth.services import new_calendar_token
    old = owner.calendar_token
    new_calendar_token(owner)
    db.session.commit()
    return {"token": old}, None


def make_draft_slug(owner):
    return {"slug": DRAFT_MODULE}, None


def make_outside_file(owner):
    return {"filename": "../instance/secret_key.png"}, None


@dataclass
class Scenario:
    make: Callable | None       # None: the argument names no object (a year, an enumerated action)
    private: bool = False       # also refused for a colleague in the same region (incl. coordinators)
    by_endpoint: dict = field(default_factory=dict)  # endpoint -> a different `make` for that route


SCENARIOS: dict[str, Scenario] = {
    "activity_id": Scenario(make_activity),
    "registration_id": Scenario(make_registration, private=True),
    "round_id": Scenario(make_round),
    "user_id": Scenario(make_person),
    "person_id": Scenario(make_person),
    "entry_id": Scenario(make_entry, private=True),
    "obs_id": Scenario(make_observation, private=True),
    "goal_id": Scenario(make_goal, private=True),
    "pc_id": Scenario(make_plan_competency, private=True),
    "card_id": Scenario(make_review_card, private=True),
    "attempt_id": Scenario(make_attempt, private=True),
    "obligation_id": Scenario(make_obligation),
    "fulfilment_id": Scenario(make_fulfilment),
    "code": Scenario(make_function_code),
    "token": Scenario(make_spent_token, private=True,
                      by_endpoint={"activities.calendar_feed": make_old_calendar_token}),
    "slug": Scenario(make_draft_slug),
    "filename": Scenario(make_outside_file),
    # Filled by the attempt scenario (a question of that attempt):
    "question_id": Scenario(None),
    # Not objects: the plan year is always the current user's own plan; enumerations.
    "year": Scenario(None),
    "step": Scenario(None),          # a step of the person's own briefing flow
    "name": Scenario(None),          # an image file of a quiz (the quiz slug is the object)
    "action": Scenario(None),
    "what": Scenario(None),
}
# Checked first when a rule has several: the argument that identifies the owned object.
PRIORITY = ("attempt_id", "registration_id", "card_id", "entry_id", "obs_id", "goal_id", "pc_id",
            "fulfilment_id", "obligation_id", "person_id", "user_id", "round_id", "activity_id",
            "code", "token", "filename", "slug")
# The model each object argument names, and the purpose a route asks the permission layer for.
ARG_MODELS = {"activity_id": Activity, "registration_id": Registration, "round_id": RegistrationRound,
              "user_id": User, "person_id": User, "entry_id": PortfolioEntry, "obs_id": PeerObservation,
              "goal_id": PlanGoal, "pc_id": PlanCompetency, "card_id": ReviewCard, "attempt_id": QuizAttempt,
              "obligation_id": OrganisationObligation, "fulfilment_id": ObligationFulfilment}
PURPOSE = {"plan.decide": "decide", "portfolio.observe": "observe"}
# Endpoints where a colleague's object in the same region is legitimately open to some roles.
REGION_SHARED = {"plan.decide", "plan.review", "admin.user", "admin.set_active", "monitor.person",
                 "monitor.person_csv"}
# (endpoint, role) pairs allowed to open the scenario's object: authors preview drafts.
ALLOWED = {("author.preview", "author"), ("author.preview", "admin")}


def _all_rules() -> list[Rule]:
    return [r for r in rules() if r.arguments]


def pytest_generate_tests(metafunc):
    if metafunc.function is test_someone_elses_object_is_not_found:  # the URL map is read here, not at import
        metafunc.parametrize("rule,owner_kind", list(_cases()))


def _key(rule: Rule) -> str | None:
    return next((a for a in PRIORITY if a in rule.arguments), None)


def _cases():
    for rule in _all_rules():
        key = _key(rule)
        if key is None:
            continue  # only non-object arguments (e.g. /plan/<year>/goals acts on the user's own plan)
        owners = ["other_region"]
        if SCENARIOS[key].private and rule.endpoint not in REGION_SHARED:
            owners.append("colleague")
        for owner in owners:
            yield pytest.param(rule, owner, id=f"{rule.endpoint}-{owner}")


def _fill(rule: Rule, values: dict) -> str:
    values = dict(values)
    for name in rule.arguments:
        if name in values:
            continue
        converter = rule._converters[name]
        if hasattr(converter, "items"):  # <any(a, b):name>
            values[name] = sorted(converter.items)[0]
        elif name == "year":
            values[name] = date.today().year
        elif name == "question_id":
            values[name] = "q1"
        elif name == "name":
            values[name] = "afbeelding.png"
        else:
            raise AssertionError(f"{rule.rule}: no value for <{name}>")
    return rule.build(values, append_unknown=False)[1]


def _login_as(client, person):
    from app.auth import sessions
    with client.session_transaction() as session:
        session["sid"] = sessions.start(person)  # the server-side session the cookie points to
        session["_user_id"] = person.get_id()
        session["_fresh"] = True
    db.session.commit()   # the caller commits what the service added


def test_every_path_argument_is_covered():
    missing = sorted({f"<{a}> in {r.rule}" for r in _all_rules() for a in r.arguments if a not in SCENARIOS})
    assert not missing, "Add these path arguments to SCENARIOS in tests/test_idor.py: " + ", ".join(missing)


def test_every_object_route_is_tested():
    tested = {p.values[0].endpoint for p in _cases()}
    untested = {r.endpoint for r in _all_rules() if r.endpoint not in tested
                and any(SCENARIOS.get(a, Scenario(None)).make for a in r.arguments)}
    assert not untested


def test_someone_elses_object_is_not_found(app, rule, owner_kind):
    home = factories.region("twente")
    elders = factories.region("elders")
    owner = factories.user(functions=("OL",), reg=elders if owner_kind == "other_region" else home)
    key = _key(rule)
    make = SCENARIOS[key].by_endpoint.get(rule.endpoint, SCENARIOS[key].make)
    values, marker = make(owner)
    url = _fill(rule, values)
    model = ARG_MODELS.get(key)
    obj = db.session.get(model, values[key]) if model else None
    for role in ROLES:
        client = app.test_client()
        viewer = factories.user(roles=(role,), functions=("OL",), reg=home)
        _login_as(client, viewer)
        if obj is not None:   # the oracle: the permission layer says this viewer may not have it
            assert not access.allowed(viewer, obj, PURPOSE.get(rule.endpoint, "view"))
        for method in sorted(rule.methods & {"GET", "POST"}):
            refusals = _refusals(viewer, obj)
            response = client.open(url, method=method, data={"decision": "approve", "activity_id": "1"})
            body = response.get_data(as_text=True)
            if (rule.endpoint, role) in ALLOWED:
                assert response.status_code < 500
                continue
            assert response.status_code in (403, 404), \
                f"{method} {url} as {role} on a {owner_kind} object answered {response.status_code}"
            if marker:
                assert marker not in body, f"{method} {url} as {role} showed the other person's object"
            if obj is not None and response.status_code == 404 and rule.endpoint not in NOT_BY_ID:
                assert _refusals(viewer, obj) == refusals + 1, \
                    f"{method} {url} as {role}: refused without asking app/auth/access.py"


# Routes whose object is found by the person's own list rather than by id (nothing to refuse).
NOT_BY_ID = {"portfolio.activity"}


def _refusals(viewer, obj) -> int:
    if obj is None:
        return 0
    return db.session.scalar(db.select(db.func.count(AuditLog.id)).filter_by(
        action="access_refused", actor_id=viewer.id, object_type=type(obj).__tablename__, object_id=str(obj.id)))
