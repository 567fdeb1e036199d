"""WCAG 2.2 AA in a real browser: axe-core on the pages for people not logged in and after the main
htmx swaps, and reflow at 320 px and 200 % zoom. The pages of every role are walked in
test_every_page, with the URL map and ids from the live demo database that this module provides.

axe-core is vendored (tests/vendor) and evaluated through the devtools protocol, so the app's
strict CSP stays on during the audit.
"""
from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.helpers import answer_visible_question, axe_violations, horizontal_overflow, overflow_at_320px

ACCOUNTS = {"functionary": "functionaris@demo.paraat.nl", "author": "auteur@demo.paraat.nl",
            "coordinator": "coordinator@demo.paraat.nl", "admin": "beheer@demo.paraat.nl"}
# Not HTML pages (files, feeds, machine endpoints) or pages for logged-out people only.
NOT_PAGES = {"static", "main.security_txt", "main.security_txt_legacy", "main.manifest", "main.healthz",
             "main.service_worker", "activities.calendar_feed", "activities.activity_ics", "learn.media", "quizzes.media", "activities.round_json",
             "portfolio.export_json", "auth.set_password"}
ANONYMOUS = ["/login", "/account/forgot", "/toegankelijkheid", "/privacy", "/offline", "/bestaat-niet"]


# --- pages and their ids, from the live demo database ---------------------------------------------

def _demo_values(live_app, email: str) -> dict:
    """Values for path arguments that this person may open (their own objects, their region)."""
    from app.models import (Activity, DevelopmentPlan, Function, ObligationFulfilment, OrganisationObligation,
                            PeerObservation, PlanGoal, PortfolioEntry, QuizAnswer, QuizAttempt,
                            RegistrationRound, ReviewCard, User)

    with live_app.app_context():
        me = db.session.scalar(db.select(User).filter_by(email=email))
        region = me.region_id
        first = lambda stmt: db.session.scalar(stmt.limit(1))  # noqa: E731
        functionary = first(db.select(User.id).filter_by(email=ACCOUNTS["functionary"]))
        attempt = first(db.select(QuizAttempt).filter_by(user_id=me.id).order_by(QuizAttempt.id))
        answer = first(db.select(QuizAnswer).filter_by(attempt_id=attempt.id)) if attempt else None
        from app.content.catalogue import get_catalogue
        from app.quizzes.loader import quiz_set
        module = sorted(m.slug for m in get_catalogue().published)[0]
        values = {
            "activity_id": first(db.select(Activity.id).filter_by(region_id=region, cancelled_at=None)
                                 .order_by(Activity.starts_at.desc())),
            "round_id": first(db.select(RegistrationRound.id).filter_by(region_id=region)
                              .order_by(RegistrationRound.closes_at.desc())),
            "user_id": functionary, "person_id": functionary,
            "entry_id": first(db.select(PortfolioEntry.id).filter_by(user_id=me.id)),
            "obs_id": first(db.select(PeerObservation.id).filter_by(observer_id=me.id)),
            "goal_id": first(db.select(PlanGoal.id).join(DevelopmentPlan).filter(DevelopmentPlan.user_id == me.id)),
            "code": first(db.select(Function.code).filter_by(region_id=region, code="OL")),
            "obligation_id": first(db.select(OrganisationObligation.id).filter_by(region_id=region)),
            "fulfilment_id": first(db.select(ObligationFulfilment.id)),
            "attempt_id": attempt.id if attempt else None,
            "card_id": first(db.select(ReviewCard.id).filter_by(user_id=me.id).order_by(ReviewCard.due)),
            "question_id": answer.question_id if answer else None,
            "year": date.today().year, "step": 1,
            "module": module,
            "quiz": attempt.quiz_slug if attempt else sorted(quiz_set().quizzes)[0],
        }
    return values


def _pages(live_app, email: str) -> list[str]:
    values = _demo_values(live_app, email)
    urls = []
    for rule in sorted(live_app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.rule.endswith((".csv", ".json")):
            continue
        args = {}
        for name in rule.arguments:
            if name == "slug":
                args[name] = values["quiz"] if rule.endpoint.startswith("quizzes.") or \
                    rule.endpoint == "author.quiz_statistics" else values["module"]
            elif name in values:
                args[name] = values[name]
            else:
                raise AssertionError(f"{rule.rule}: no demo value for <{name}>; add it to _demo_values")
        if any(v is None for v in args.values()):
            continue  # this person has no such object (e.g. no quiz attempt yet)
        urls.append(rule.build(args, append_unknown=False)[1])
    return urls


# --- browser helpers ------------------------------------------------------------------------------

# --- the audits -----------------------------------------------------------------------------------

def test_pages_for_people_not_logged_in(phone):
    problems = []
    for url in ANONYMOUS:
        phone.goto(url)
        problems += [f"{url}: {violation}" for violation in axe_violations(phone)]
        if (over := overflow_at_320px(phone)) > 0:
            problems.append(f"{url}: {over}px horizontal scroll at 320 px")
    assert problems == []


def test_states_after_htmx_swaps_have_no_violations(phone, live_app):
    page = phone
    page.login(ACCOUNTS["functionary"])
    problems = []

    # Catalogue filter: the results are swapped in.
    page.goto("/learn")
    page.locator("form.learn-filters select").first.select_option(index=1)
    page.locator("form.learn-filters").get_by_role("button").first.click()
    page.wait_for_load_state("networkidle")
    problems += [f"catalogue filter: {v}" for v in axe_violations(page)]

    # Quiz feedback after an answer.
    values = _demo_values(live_app, ACCOUNTS["functionary"])
    page.goto(f"/quizzes/{values['quiz']}")
    page.locator("form[action$='/attempts'] button, form[action$='/attempts'] input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    if page.locator("form.quiz-form").count():
        answer_visible_question(page)
        page.locator(".quiz-feedback, [data-autofocus]").first.wait_for()
        problems += [f"quiz feedback: {v}" for v in axe_violations(page)]

    # Registration ranking: add an activity, move it.
    with live_app.app_context():
        from app.activities.base import local_now
        from app.models import RegistrationRound
        rounds = db.session.scalars(db.select(RegistrationRound)).all()
        open_round = next((r.id for r in rounds if r.state(local_now()) == "open"), None)
    if open_round:
        page.goto(f"/activities/rounds/{open_round}")
        add = page.locator("form[action$='/ranking/add'] button")
        if add.count():
            add.first.click()
            page.wait_for_load_state("networkidle")
            problems += [f"ranking add: {v}" for v in axe_violations(page)]
        move = page.locator("form[action$='/ranking/down'] button")
        if move.count():
            move.first.click()
            page.wait_for_load_state("networkidle")
            problems += [f"ranking move: {v}" for v in axe_violations(page)]

    # A form error: the password form with a wrong current password.
    page.goto("/account/password")
    _fill_password_form_wrongly(page)
    page.locator(".error-summary").first.wait_for()
    problems += [f"form error: {v}" for v in axe_violations(page)]
    assert problems == [], "\n".join(problems)




def _fill_password_form_wrongly(page):
    inputs = page.locator("main form input[type=password]")
    for i in range(inputs.count()):
        inputs.nth(i).fill("fout" if i == 0 else "kort")
    page.locator("main form button[type=submit]").last.click()


@pytest.mark.parametrize("path", ["/", "/learn", "/plan", "/activities", "/portfolio"])
def test_200_percent_zoom_reflows(browser, live_server, path):
    """A 1280 px wide window at 200 % zoom is 640 CSS px wide: nothing may need horizontal scrolling."""
    context = browser.new_context(viewport={"width": 640, "height": 360}, device_scale_factor=2,
                                  locale="nl-NL", base_url=live_server)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("E-mailadres").fill(ACCOUNTS["functionary"])
        page.get_by_label("Wachtwoord", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(f"{live_server}/")
        page.goto(path)
        assert horizontal_overflow(page) <= 0
        assert page.get_by_role("heading", level=1).is_visible()
        # Text can be enlarged further without loss: 200 % text size on top still reflows.
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert horizontal_overflow(page) <= 0, f"{path} scrolls sideways with larger text"
    finally:
        context.close()
