"""The answer form of one quiz question, for every question type (quiz, review session, author preview).

The field names are the ones the pages post and the service worker replays offline: `option`,
`answer`, `match-<n>`, `order` (or `position-<n>`), `move`, `certainty`, `changed`, `question_id`.
The form turns them into the response the pure functions in `scoring` score; a form that was not
ours (an option the question does not have) is marked `tampered`. CSRF is checked as for every post
by CSRFProtect (htmx sends the token in a header), so the form itself does not check it again.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, SelectMultipleField, StringField
from wtforms.validators import StopValidation

from app.quizzes import scoring
from app.quizzes.loader import Question

NOT_OURS = "Dit antwoord hoort niet bij deze vraag."


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _required(message):
    def check(form, field):
        if field.data is None or field.data == "" or field.data == []:
            raise StopValidation(message)
    return check


def _one_of(values):
    def check(form, field):
        data = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in values for value in data):
            form.tampered = True
            raise StopValidation(NOT_OURS)
    return check


def _number(form, field):
    if scoring.parse_number(field.data) is None:
        raise StopValidation("Vul een getal in, bijvoorbeeld 5 of 2,5.")


class _Values(SelectMultipleField):
    """Every posted value of a name (the checkboxes of a `multiple` question); checked by _one_of."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, coerce=str, validate_choice=False, **kwargs)


class AnswerForm(FlaskForm):
    """Built per question by `answer_form`; after `validate()` read `response` and `how_sure`."""

    class Meta:
        csrf = False   # CSRFProtect checks every post already

    question_id = HiddenField()
    changed = HiddenField()
    move = StringField()     # an up/down button of an order question: "up-<index>" or "down-<index>"
    order = HiddenField()    # an order question's options in the learner's order: "2,0,1"

    question: Question
    tampered = False

    @property
    def error(self) -> str | None:
        """The first problem, in the order of the fields (the message shown in the error summary)."""
        first = next((messages[0] for messages in self.errors.values() if messages), None)
        return first or (self.form_errors[0] if self.form_errors else None)

    @property
    def moving(self) -> bool:
        return bool(self.move.data)

    @property
    def moved_up(self) -> bool:
        return (self.move.data or "").startswith("up")

    def moved_options(self):
        """The options after an up/down button, and the moved one's index; raises TamperedAnswer."""
        return scoring.moved_options(self.question, self.order.data or "", self.move.data or "")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.question.type == "order":
            try:
                self._positions = self._order_positions()
            except scoring.AnswerError as exc:
                self.tampered = isinstance(exc, scoring.TamperedAnswer)
                self.form_errors.append(str(exc))
                return False
        return valid

    def _order_positions(self) -> list[int]:
        n = len(self.question.options)
        if self.order.raw_data:   # the up/down list (with or without JavaScript)
            order = scoring.read_order(self.question, self.order.data or "")
            positions = [0] * n
            for place, index in enumerate(order, start=1):
                positions[index] = place
            return positions
        positions = []
        for option in self.question.options:   # a place per step (an older page)
            value = self[f"position-{option.index}"].data
            if not value:
                raise scoring.AnswerError("Kies voor elke stap een plaats.")
            if not value.isdigit() or not 1 <= int(value) <= n:
                raise scoring.TamperedAnswer(NOT_OURS)
            positions.append(int(value))
        if len(set(positions)) != n:
            raise scoring.AnswerError("Geef elke plaats maar één keer.")
        return positions

    @property
    def response(self):
        """The stored response: what `scoring.score` and `scoring.feedback_for` take."""
        kind = self.question.type
        if kind == "single":
            return int(self.option.data)
        if kind == "multiple":
            return sorted({int(v) for v in self.option.data})
        if kind == "truefalse":
            return self.answer.data == "true"
        if kind == "numeric":
            return scoring.parse_number(self.answer.data)
        if kind == "text":
            return self.answer.data
        if kind == "match":
            return [int(self[f"match-{i}"].data) for i in range(len(self.question.pairs))]
        if kind == "order":
            return self._positions
        raise scoring.TamperedAnswer("Onbekend vraagtype.")

    @property
    def how_sure(self) -> str | None:
        """The certainty radio group's choice (None when it was not asked)."""
        return self["certainty"].data if "certainty" in self else None


def answer_form(question: Question, *, ask_certainty: bool = False, formdata=None) -> AnswerForm:
    """The answer form for this question; `formdata` defaults to the request's form."""
    options = {str(o.index) for o in question.options}
    fields: dict[str, Field] = {}
    kind = question.type
    if kind == "single":
        fields["option"] = StringField(validators=[_required("Kies een antwoord."), _one_of(options)])
    elif kind == "multiple":
        fields["option"] = _Values(validators=[_required("Kies minstens één antwoord."), _one_of(options)])
    elif kind == "truefalse":
        fields["answer"] = StringField(validators=[_required("Kies juist of onjuist."), _one_of({"true", "false"})])
    elif kind == "numeric":
        fields["answer"] = StringField(filters=[_strip], validators=[_required("Vul een getal in."), _number])
    elif kind == "text":
        fields["answer"] = StringField(filters=[_strip], validators=[_required("Typ je antwoord."), _max_200])
    elif kind == "match":
        choices = {str(i) for i in range(len(question.rights))}
        for index in range(len(question.pairs)):
            fields[f"match-{index}"] = StringField(
                validators=[_required("Kies bij elk onderdeel een antwoord."), _one_of(choices)])
    elif kind == "order":
        for option in question.options:
            fields[f"position-{option.index}"] = StringField()
    if ask_certainty:
        fields["certainty"] = StringField(validators=[_required("Kies hoe zeker je bent."),
                                                      _one_of(set(scoring.CERTAINTY))])
    form_class = type("QuestionAnswerForm", (AnswerForm,), fields)
    form = form_class(formdata=formdata) if formdata is not None else form_class()
    form.question = question
    return form


def _max_200(form, field):
    if len(field.data) > 200:
        raise StopValidation("Je antwoord is te lang (hooguit 200 tekens).")
