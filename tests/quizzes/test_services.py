"""Quiz rules without HTTP: scoring, shuffling, attempts, FSRS scheduling, statistics."""
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import PortfolioEntry, QuizAnswer, ReviewCard
from app.norms.planned import Planned, register_planned_provider
from app.quizzes import loader, review, scoring, services, statistics
from tests import factories
from tests.quizzes.conftest import SIMPLE, write_quiz

NOW = datetime(2026, 3, 2, 9, 0)


def form(**values):
    return MultiDict([(k, v) for k, vs in values.items() for v in (vs if isinstance(vs, list) else [vs])])


@pytest.fixture
def quiz(quiz_dir):
    return loader.get_quiz("alle-typen")


def answer(user, quiz, attempt, qid, now=NOW, **values):
    return services.answer_question(user, quiz, attempt, qid, form(**values), now=now, today=now.date())


# ---------------------------------------------------------------- scoring of every type

@pytest.mark.parametrize("qid,values,right", [
    ("s1", {"option": "0"}, True),
    ("s1", {"option": "1"}, False),
    ("m1", {"option": ["0", "1"]}, True),
    ("m1", {"option": ["0"]}, False),
    ("m1", {"option": ["0", "1", "2"]}, False),
    ("t1", {"answer": "true"}, True),
    ("t1", {"answer": "false"}, False),
    ("n1", {"answer": "2,5"}, True),
    ("n1", {"answer": "3.0"}, True),       # inside the tolerance of 0.5
    ("n1", {"answer": "3,01"}, False),
    ("n1", {"answer": " 2 "}, True),
    ("o1", {"position-0": "1", "position-1": "2", "position-2": "3"}, True),
    ("o1", {"position-0": "2", "position-1": "1", "position-2": "3"}, False),
])
def test_scoring_of_every_type(quiz, qid, values, right):
    question = quiz.question(qid)
    assert scoring.score(question, scoring.parse_response(question, form(**values))) is right


@pytest.mark.parametrize("qid,values,tampered,message", [
    ("s1", {}, False, "Kies een antwoord."),
    ("s1", {"option": "7"}, True, "hoort niet bij deze vraag"),
    ("s1", {"option": "Thema's bepalen"}, True, "hoort niet bij deze vraag"),   # text, not an id
    ("m1", {"option": ["0", "9"]}, True, "hoort niet bij deze vraag"),
    ("t1", {"answer": "misschien"}, True, "hoort niet bij deze vraag"),
    ("n1", {"answer": "vijf"}, False, "Vul een getal in, bijvoorbeeld 5 of 2,5."),
    ("n1", {"answer": "nan"}, False, "Vul een getal in"),
    ("o1", {"position-0": "1", "position-1": "1", "position-2": "3"}, False, "maar één keer"),
    ("o1", {"position-0": "1", "position-1": "2", "position-2": "9"}, True, "hoort niet bij deze vraag"),
    ("o1", {"position-0": "1", "position-1": "2"}, False, "Kies voor elke stap een plaats."),
])
def test_bad_answers_are_refused_with_a_dutch_message(quiz, qid, values, tampered, message):
    with pytest.raises(scoring.AnswerError) as info:
        scoring.parse_response(quiz.question(qid), form(**values))
    assert message in str(info.value)
    assert isinstance(info.value, scoring.TamperedAnswer) is tampered


def test_shuffle_is_stable_per_attempt_and_differs_between_attempts(quiz):
    question = quiz.question("s1")
    orders = {tuple(o.index for o in scoring.shuffled_options(question, seed)) for seed in range(30)}
    assert len(orders) > 1
    assert scoring.shuffled_options(question, 12) == scoring.shuffled_options(question, 12)


# ---------------------------------------------------------------- attempts

def test_answers_are_stored_once_and_the_attempt_finishes_into_the_portfolio(app, quiz):
    user = factories.user()
    attempt = services.start_attempt(user, quiz)
    first = answer(user, quiz, attempt, "s1", option="1")
    assert not first.feedback.correct and not first.replay
    again = answer(user, quiz, attempt, "s1", option="0")   # replay with another answer
    assert again.replay and again.answer.response == 1
    assert db.session.scalar(db.select(db.func.count(QuizAnswer.id))) == 1
    answer(user, quiz, attempt, "m1", option=["0", "1"])
    answer(user, quiz, attempt, "t1", answer="true")
    answer(user, quiz, attempt, "n1", answer="2,5")
    last = answer(user, quiz, attempt, "o1", **{"position-0": "1", "position-1": "2", "position-2": "3"})
    assert last.finished and attempt.finished_at == NOW
    entry = db.session.scalar(db.select(PortfolioEntry))
    assert (entry.kind, entry.title, entry.source, entry.source_ref, entry.occurred_on) == (
        "quiz", "Oefentoets: Alle vraagtypen", "quiz", str(attempt.id), NOW.date())
    rows = services.summary(quiz, attempt)
    assert [r.correct for r in rows] == [False, True, True, True, True]


def test_answer_for_a_question_of_another_quiz_is_refused(quiz):
    user = factories.user()
    attempt = services.start_attempt(user, quiz)
    with pytest.raises(scoring.TamperedAnswer):
        answer(user, quiz, attempt, "q-van-elders", option="0")


def test_feedback_lists_every_option_with_its_own_feedback(quiz):
    feedback = scoring.feedback_for(quiz.question("s1"), 1, seed=5)
    chosen = [f for f in feedback.options if f.chosen]
    assert len(feedback.options) == 3 and len(chosen) == 1 and not chosen[0].correct
    assert {f.feedback for f in feedback.options} >= {"Klopt.", "Dat is beeldvorming."}
    numeric = scoring.feedback_for(quiz.question("n1"), 7.0, seed=5)
    assert not numeric.correct and numeric.right_answer == "2,5 (marge 0,5)"
    tf = scoring.feedback_for(quiz.question("t1"), False, seed=5)
    assert tf.message == "Bij GRIP 2 komt het ROT bijeen."


# ---------------------------------------------------------------- scheduling

def _fsrs_due(rating, now=NOW):
    card, _ = review.SCHEDULER.review_card(Card(card_id=1, due=now.replace(tzinfo=timezone.utc)), rating,
                                             review_datetime=now.replace(tzinfo=timezone.utc))
    return card.due.replace(tzinfo=None)


def test_ratings_follow_right_wrong_slow_and_changed():
    assert review.rating_for(False) == Rating.Again
    assert review.rating_for(True) == Rating.Good
    assert review.rating_for(True, slow=True) == Rating.Hard
    assert review.rating_for(True, changed=True) == Rating.Hard


def test_due_dates_move_as_fsrs_says(app, quiz):
    user = factories.user()
    attempt = services.start_attempt(user, quiz)
    attempt.shown_question_id, attempt.shown_at = "t1", NOW - timedelta(seconds=45)
    answer(user, quiz, attempt, "s1", option="1")             # wrong → Again
    answer(user, quiz, attempt, "m1", option=["0", "1"])      # right → Good
    answer(user, quiz, attempt, "t1", answer="true")          # right after 45 s → Hard
    cards = {c.question_id: c for c in db.session.scalars(db.select(ReviewCard))}
    assert cards["s1"].due == _fsrs_due(Rating.Again)
    assert cards["m1"].due == _fsrs_due(Rating.Good)
    assert cards["t1"].due == _fsrs_due(Rating.Hard)
    assert cards["s1"].due <= cards["t1"].due < cards["m1"].due
    # Reviewing the wrong one right when due moves it further out, as FSRS computes from the stored card.
    later = cards["s1"].due
    stored = Card.from_json(cards["s1"].card)
    expected, _ = review.SCHEDULER.review_card(stored, Rating.Good, review_datetime=later.replace(tzinfo=timezone.utc))
    review.record_review(user, "alle-typen", "s1", Rating.Good, now=later)
    assert cards["s1"].due == expected.due.replace(tzinfo=None) and cards["s1"].due > later + timedelta(days=1)
    assert cards["s1"].reviews == 2


def test_review_is_due_the_day_before_a_planned_activity(app, quiz):
    user = factories.user()
    briefing = NOW.date() + timedelta(days=2)
    register_planned_provider(app, lambda person, start, end: [
        Planned("ops_briefing", briefing, "Operationele briefing")] if start <= briefing <= end else [])
    card = review.record_review(user, "alle-typen", "m1", Rating.Good, now=NOW, today=NOW.date())
    assert _fsrs_due(Rating.Good) > datetime.combine(briefing, datetime.min.time())  # FSRS alone: too late
    assert card.due == datetime.combine(briefing - timedelta(days=1), datetime.min.time())


@pytest.mark.parametrize("days_ahead", [0, 1], ids=["today", "tomorrow"])
def test_an_activity_today_or_tomorrow_is_skipped_for_the_next_one(app, quiz, days_ahead):
    """The answer just given is the fresh review for an activity today or tomorrow; a later one counts."""
    user = factories.user()
    soon, later = NOW.date() + timedelta(days=days_ahead), NOW.date() + timedelta(days=2)
    register_planned_provider(app, lambda person, start, end: [
        Planned("ops_briefing", soon, "Operationele briefing"), Planned("multi_exercise", later, "Oefening")])
    card = review.record_review(user, "alle-typen", "m1", Rating.Good, now=NOW, today=NOW.date())
    assert _fsrs_due(Rating.Good) > datetime.combine(later, datetime.min.time())
    assert card.due == datetime.combine(later - timedelta(days=1), datetime.min.time())


def test_planned_activity_after_the_fsrs_due_date_changes_nothing(app, quiz):
    user = factories.user()
    register_planned_provider(app, lambda person, start, end: [
        Planned("multi_exercise", NOW.date() + timedelta(days=25), "Oefening")])
    card = review.record_review(user, "alle-typen", "s1", Rating.Again, now=NOW, today=NOW.date())
    assert card.due == _fsrs_due(Rating.Again)


def test_due_questions_skip_removed_questions_and_quizzes(app, quiz_dir, quiz):
    user = factories.user()
    for qid in ("s1", "m1"):
        review.record_review(user, "alle-typen", qid, Rating.Again, now=NOW)
    review.record_review(user, "weg-quiz", "q1", Rating.Again, now=NOW)
    later = NOW + timedelta(days=3)
    assert {d.question.id for d in review.due_questions(user, now=later)} == {"s1", "m1"}
    text = (quiz_dir / "alle-typen.yaml").read_text(encoding="utf-8")
    start, end = text.index("  - id: m1"), text.index("  - id: t1")
    (quiz_dir / "alle-typen.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    import os
    os.utime(quiz_dir / "alle-typen.yaml", (1, 1))
    assert [d.question.id for d in review.due_questions(user, now=later)] == ["s1"]


# ---------------------------------------------------------------- statistics

def _people_answer(quiz, answers):
    for response in answers:
        person = factories.user()
        attempt = services.start_attempt(person, quiz)
        answer(person, quiz, attempt, "s1", option=response)


def test_item_statistics_hidden_below_five_people(app, quiz):
    _people_answer(quiz, ["1", "1", "0", "2"])
    s1 = statistics.item_statistics("alle-typen")[0]
    assert s1.people == 4 and not s1.shown
    assert s1.first_try_correct is None and s1.most_chosen_wrong is None and s1.attempts is None


def test_item_statistics_shown_from_five_people(app, quiz):
    _people_answer(quiz, ["1", "1", "0", "2", "0"])
    s1 = statistics.item_statistics("alle-typen")[0]
    assert s1.shown and s1.people == 5 and s1.attempts == 5
    assert s1.first_try_correct == pytest.approx(0.4)
    assert s1.most_chosen_wrong.startswith("De schuldige vinden") and s1.most_chosen_wrong_count == 2


def test_item_statistics_for_a_coordinator_count_only_their_region(app, quiz):
    _people_answer(quiz, ["1", "1", "0", "2", "0"])          # five people in Twente
    elsewhere = factories.region("ijsselland")
    for response in ("1", "1", "1"):
        person = factories.user(reg=elsewhere)
        answer(person, quiz, services.start_attempt(person, quiz), "s1", option=response)
    assert statistics.item_statistics("alle-typen")[0].people == 8      # authors: every region
    twente = statistics.item_statistics("alle-typen", region_id=factories.region().id)[0]
    assert twente.people == 5 and twente.first_try_correct == pytest.approx(0.4)
    other = statistics.item_statistics("alle-typen", region_id=elsewhere.id)[0]
    assert other.people == 3 and not other.shown


def test_numeric_wrong_answer_only_named_when_five_people_gave_it(app, quiz):
    def people_type(values):
        for value in values:
            person = factories.user()
            answer(person, quiz, services.start_attempt(person, quiz), "n1", answer=value)
    people_type(["17", "17", "17", "17", "9", "9"])   # 17 (e.g. someone's own station) by only four
    n1 = statistics.item_statistics("alle-typen")[3]
    assert n1.shown and n1.most_chosen_wrong is None
    people_type(["17"])
    n1 = statistics.item_statistics("alle-typen")[3]
    assert n1.most_chosen_wrong == "17" and n1.most_chosen_wrong_count == 5


def test_first_try_counts_a_person_once(app, quiz):
    _people_answer(quiz, ["1", "1", "1", "1"])
    person = factories.user()
    for response in ("1", "0"):   # wrong first, right the second time: counts as wrong at first try
        attempt = services.start_attempt(person, quiz)
        answer(person, quiz, attempt, "s1", option=response, now=NOW + timedelta(minutes=int(response == "0")))
    s1 = statistics.item_statistics("alle-typen")[0]
    assert s1.people == 5 and s1.attempts == 6 and s1.first_try_correct == 0


def test_second_quiz_file_change_keeps_history_by_question_id(app, quiz_dir, quiz):
    user = factories.user()
    attempt = services.start_attempt(user, quiz)
    answer(user, quiz, attempt, "s1", option="0")
    write_quiz(quiz_dir, "alle-typen.yaml", SIMPLE.format(slug="alle-typen", title="Nieuw").replace("q1", "s1"))
    import os
    os.utime(quiz_dir / "alle-typen.yaml", (2, 2))
    changed = loader.get_quiz("alle-typen")
    assert changed.title == "Nieuw"
    assert [r.correct for r in services.summary(changed, attempt)] == [True, False]
    assert services.next_question(changed, attempt).id == "q2"
