"""Scoring answers: pure functions of a question and a response (no database, no request).

The posted form is read and validated by `app.quizzes.forms`."""
from __future__ import annotations

import hashlib
import random
import unicodedata
from dataclasses import dataclass, field

from app.quizzes.loader import Option, Question


class AnswerError(ValueError):
    """The submitted answer cannot be used; the message is Dutch and meant for the learner."""


class TamperedAnswer(AnswerError):
    """The form was not one we sent (unknown option, other quiz's question): nothing is stored."""


def shuffled_options(question: Question, seed: int | str):
    """The options in this attempt's order: the same seed and question always give the same order.

    For a `match` question these are its right-hand choices (index = position in question.rights).
    """
    digest = hashlib.sha256(f"{seed}:{question.id}".encode()).digest()
    if question.type == "match":
        options = [Option(index=i, text=text) for i, text in enumerate(question.rights)]
    else:
        options = list(question.options)
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(options)
    return options


CERTAINTY = {"gok": "Gok", "redelijk": "Redelijk zeker", "heel": "Heel zeker"}


def read_order(question: Question, value: str) -> list[int]:
    """An order question's "2,0,1" (the options in the learner's order); raises TamperedAnswer."""
    try:
        order = [int(part) for part in value.split(",")]
    except ValueError:
        raise TamperedAnswer("Dit antwoord hoort niet bij deze vraag.") from None
    if sorted(order) != [o.index for o in question.options]:
        raise TamperedAnswer("Dit antwoord hoort niet bij deze vraag.")
    return order


def moved_options(question: Question, order: str, move: str):
    """An order question's 'Omhoog'/'Omlaag' button (a form post, no JavaScript needed): the options
    in their new order and the index of the moved one; None when no button was pressed."""
    if question.type != "order" or not move:
        return None
    direction, _, index = move.partition("-")
    order = read_order(question, order)
    if direction not in ("up", "down") or not index.isdigit() or int(index) not in order:
        raise TamperedAnswer("Dit antwoord hoort niet bij deze vraag.")
    at = order.index(int(index))
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(order):
        order[at], order[to] = order[to], order[at]
    by_index = {o.index: o for o in question.options}
    return [by_index[i] for i in order], int(index)


def parse_number(value: str) -> float | None:
    """'2,5', '2.5', ' 1 000 ' → a float; both decimal comma and point are accepted."""
    text = value.strip().replace(" ", "").replace("\u00a0", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def score(question: Question, response) -> bool:
    """Is this response right? Responses come from `forms.AnswerForm.response` (or the database)."""
    if question.type == "single":
        return any(o.index == response and o.correct for o in question.options)
    if question.type == "multiple":
        return set(response or []) == {o.index for o in question.options if o.correct}
    if question.type == "truefalse":
        return response is question.answer or response == question.answer
    if question.type == "numeric":
        try:
            return abs(float(response) - float(question.answer)) <= question.tolerance + 1e-9
        except (TypeError, ValueError):
            return False
    if question.type == "order":
        return list(response or []) == list(range(1, len(question.options) + 1))
    if question.type == "match":
        return list(response or []) == right_choices(question)
    if question.type == "text":
        return isinstance(response, str) and normalise_text(response) in {normalise_text(a) for a in question.accept}
    return False


def right_choices(question: Question) -> list[int]:
    """match: per pair the index (in question.rights) of its right-hand side."""
    rights = question.rights
    return [rights.index(right) for _left, right in question.pairs]


def normalise_text(value: str) -> str:
    """For `text` answers: case, accents and surrounding (and repeated) spaces do not matter."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


@dataclass
class OptionFeedback:
    option: object
    chosen: bool
    correct: bool          # the option is right (single/multiple) or at its right place (order)
    feedback: str
    position: int | None = None     # order: the place the learner gave


@dataclass
class PairFeedback:
    left: str
    right: str              # the right answer
    chosen: str             # what the learner chose
    correct: bool


@dataclass
class Feedback:
    question: Question
    response: object
    correct: bool
    options: list[OptionFeedback] = field(default_factory=list)
    message: str = ""               # truefalse/numeric: feedback_right or feedback_wrong
    right_answer: str = ""          # truefalse/numeric/text: what would have been right
    pairs: list[PairFeedback] = field(default_factory=list)   # match: each pair right or not yet


def feedback_for(question: Question, response, seed: int | str) -> Feedback:
    correct = score(question, response)
    result = Feedback(question=question, response=response, correct=correct)
    if question.type in ("single", "multiple"):
        chosen = {response} if question.type == "single" else set(response or [])
        result.options = [OptionFeedback(o, o.index in chosen, o.correct, o.feedback)
                          for o in shuffled_options(question, seed)]
    elif question.type == "order":
        positions = list(response or [])
        result.options = [OptionFeedback(o, True, positions[o.index] == o.index + 1 if o.index < len(positions) else False,
                                         o.feedback, positions[o.index] if o.index < len(positions) else None)
                          for o in question.options]
    elif question.type == "match":
        chosen = list(response or [])
        rights = question.rights
        result.pairs = [PairFeedback(left, right,
                                     rights[chosen[i]] if i < len(chosen) and chosen[i] < len(rights) else "",
                                     i < len(chosen) and chosen[i] < len(rights) and rights[chosen[i]] == right)
                        for i, (left, right) in enumerate(question.pairs)]
    elif question.type == "text":
        result.right_answer = " of ".join(question.accept)
    elif question.type == "truefalse":
        result.right_answer = "Juist" if question.answer else "Onjuist"
    elif question.type == "numeric":
        result.right_answer = format_number(question.answer) + (
            f" (marge {format_number(question.tolerance)})" if question.tolerance else "")
    if question.type in ("truefalse", "numeric", "text", "match"):
        result.message = question.feedback_right if correct else question.feedback_wrong
    return result


def format_number(value) -> str:
    if value is None:
        return ""
    value = float(value)
    text = str(int(value)) if value.is_integer() else f"{value:g}"
    return text.replace(".", ",")
