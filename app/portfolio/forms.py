"""Portfolio forms: a hand-made entry, feedup and reflection, links, sharing, an observer's invitation,
the feedup of a registered activity and a colleague's observation.

A form checks what a person typed or chose, every field at once, in Dutch; the services keep the rules
that need more than the input (a goal of your own plan, a colleague with your function, at least one
text). The field names are the ones the pages have always posted. The choices (competencies, goals,
colleagues) are given by the route, so a form never queries the database.
"""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, Field, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation, ValidationError

from app.forms import CheckboxListField, NonceField
from app.models import GRIP_LEVELS
from app.norms.loader import ACTIVITY_KINDS
from app.portfolio.services import EXERCISE_KINDS, KIND_LABELS, MANUAL_KINDS

TEXT_MAX = 4000   # characters of one text (feedup, reflection, observation, notes)

COMPETENCY_NOT_OURS = "Een gekozen crisiscompetentie bestaat niet."
GOAL_NOT_OURS = "Een gekozen leerdoel hoort niet bij jouw plan."
COLLEAGUE = "Kies een collega met dezelfde functie."


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MaxText:
    """At most TEXT_MAX characters (also the textarea's maxlength); the message counts what is there."""

    field_flags = {"maxlength": TEXT_MAX}

    def __init__(self, label: str):
        self.label = label

    def __call__(self, form, field):
        if field.data and len(field.data) > TEXT_MAX:
            raise ValidationError(f"{self.label}: hoogstens {TEXT_MAX} tekens; dit zijn er {len(field.data)}.")


def _text(label: str, name: str, *validators) -> TextAreaField:
    return TextAreaField(label, filters=[_strip], validators=[*validators, MaxText(name)])


def _past_date(form, field):
    if field.process_errors:   # not a date at all: said once, by the field
        raise StopValidation()
    if field.data is None:
        raise StopValidation("Vul een geldige datum in.")
    if field.data > date.today():
        raise StopValidation("De datum kan niet in de toekomst liggen.")
    if field.data.year < 2000:
        raise StopValidation("Vul een datum na 2000 in.")


def _goal_label(text: str) -> str:
    return text if len(text) <= 80 else text[:77].rstrip() + "…"


class EntryForm(FlaskForm):
    """A hand-made entry: an exercise, a deployment, a briefing, a knowledge day or other evidence."""

    kind = RadioField("Wat voeg je toe?", choices=[(k, KIND_LABELS[k]) for k in MANUAL_KINDS], default="activity",
                      validators=[InputRequired(message="Kies wat voor bewijs je toevoegt.")],
                      invalid_choice_message="Kies wat voor bewijs je toevoegt.")
    title = StringField("Omschrijving", filters=[_strip], validators=[
        DataRequired(message="Vul een omschrijving in."),
        Length(max=200, message="Houd de omschrijving op hoogstens 200 tekens.")])
    occurred_on = DateField("Datum", validators=[_past_date], invalid_value_message="Vul een geldige datum in.",
                            render_kw={"required": True})
    activity_kind = SelectField(
        "Soort oefening of training", choices=[("", "Kies…")] + [(k, ACTIVITY_KINDS.get(k, k)) for k in EXERCISE_KINDS],
        default="", validate_choice=False,
        description='Alleen bij "Oefening of training": bepaalt voor welke norm het telt.')
    incident_type = StringField("Soort incident", filters=[_strip], validators=[
        Length(max=120, message="Houd de soort incident op hoogstens 120 tekens.")])
    role = StringField("Jouw rol", filters=[_strip], validators=[
        Length(max=120, message="Houd je rol op hoogstens 120 tekens.")])
    grip_level = SelectField("GRIP-niveau (optioneel)", choices=[("", "Geen GRIP")] + [(g, f"GRIP {g}") for g in GRIP_LEVELS],
                             default="", invalid_choice_message="Kies GRIP 1 tot en met 5 of GRIP Rijk.")
    notes = _text("Toelichting (optioneel)", "Toelichting")
    competencies = CheckboxListField("Hoort bij crisiscompetenties (optioneel)",
                                     invalid_choice_message=COMPETENCY_NOT_OURS)
    goals = CheckboxListField("Hoort bij leerdoelen (optioneel)", invalid_choice_message=GOAL_NOT_OURS)
    nonce = NonceField()

    def __init__(self, *args, competencies=(), goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies.choices = [(c.code, c.name) for c in competencies]
        self.goals.choices = [(str(g.id), g.text) for g in goals]
        self.occurred_on.render_kw = {**self.occurred_on.render_kw, "max": date.today().isoformat()}

    def validate_activity_kind(self, field):
        if self.kind.data == "activity" and field.data not in EXERCISE_KINDS:
            raise ValidationError("Kies wat voor oefening of training het was.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if len(self.nonce.data or "") > 64:   # a page of ours sends 22 characters
            self.form_errors.append("Het formulier was niet compleet. Laad de pagina opnieuw.")
            return False
        return valid


class TextsForm(FlaskForm):
    """An entry's feedup and reflection: one form, one save, so neither text wipes the other."""

    learn = _text("Wat wil ik hier leren?", "Wat wil je hier leren")
    went_well = _text("Wat ging goed?", "Wat ging goed")
    to_develop = _text("Wat wil ik ontwikkelen?", "Wat wil je ontwikkelen")
    goal_id = SelectField("Hoort bij leerdoel (optioneel)", default="", invalid_choice_message=GOAL_NOT_OURS)

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.goal_id.choices = [("", "Geen")] + [(str(g.id), _goal_label(g.text)) for g in goals]

    @property
    def goal(self) -> int | None:
        return int(self.goal_id.data) if self.goal_id.data else None


class LinksForm(FlaskForm):
    """The competencies and learning goals an entry counts for."""

    competencies = CheckboxListField("Crisiscompetenties", invalid_choice_message=COMPETENCY_NOT_OURS)
    goals = CheckboxListField("Leerdoelen", invalid_choice_message=GOAL_NOT_OURS)

    def __init__(self, *args, competencies=(), goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies.choices = [(c.code, c.name) for c in competencies]
        self.goals.choices = [(str(g.id), g.text) for g in goals]


class ShareForm(FlaskForm):
    """Share an entry with the coordinator (shared=1) or stop sharing (shared=0): the page's two buttons."""

    shared = SelectField(choices=[("1", "Delen"), ("0", "Niet delen")],
                         invalid_choice_message="Kies of je dit deelt met je coördinator.")


class InviteForm(FlaskForm):
    """Ask a colleague with the same function to observe you at this entry's activity."""

    colleague = SelectField(
        "Vraag een collega met dezelfde functie om je waar te nemen", default="",
        description="Vakman herkent vakman: je collega ziet je leerdoelen van dit jaar en schrijft per leerdoel "
                    "op wat er te zien was.",
        validators=[DataRequired(message=COLLEAGUE)], invalid_choice_message=COLLEAGUE)
    nonce = NonceField()

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.colleague.choices = [("", "Kies…")] + [
            (str(c.id), f"{c.name} ({', '.join(c.function_codes)})") for c in colleagues]


class ActivityFeedupForm(FlaskForm):
    """Feedup before a registered activity (before it has a portfolio entry)."""

    learn = _text("Wat wil ik hier leren?", "Wat wil je hier leren",
                  DataRequired(message="Vul in: wat wil je hier leren."))


class ObservationForm(FlaskForm):
    """What the observer saw, per learning goal of the observed person (`goal-<id>`) and in general.
    Built per observation by `observation_form`."""

    general = _text("Algemene waarneming", "Je algemene waarneming")

    goal_ids: list[int] = []

    def goal_fields(self) -> list[Field]:
        return [self[f"goal-{gid}"] for gid in self.goal_ids]

    @property
    def notes(self) -> dict[int, str]:
        return {gid: self[f"goal-{gid}"].data or "" for gid in self.goal_ids}


def observation_form(goals, *, formdata=None, data=None) -> ObservationForm:
    """The observation form for these goals; without `formdata` it reads the request's form on a POST."""
    fields = {f"goal-{g.id}": _text(f"Leerdoel: {g.text}", "Je waarneming") for g in goals}
    form_class = type("GoalObservationForm", (ObservationForm,), {**fields, "goal_ids": [g.id for g in goals]})
    kwargs = {"data": data} if data is not None else {}
    return form_class(formdata=formdata, **kwargs) if formdata is not None else form_class(**kwargs)
