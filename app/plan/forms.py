"""Forms of the development plan: learning goals, chosen and proposed competencies, the decision on a
proposal and the yearly review.

Field names are the ones the pages have always posted (`text`, `competency`, `status`, `code`, `level`,
`name`, `motivation`, `nonce`, `decision`, `comment`, `held_on`, `note`, `year`, `reason`). The rules
are the service's own checks (app/plan/services.py), run here field by field so a person sees every
problem at once; the service runs them again for every other caller.
"""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import StopValidation

from app.forms import NonceField
from app.models.plan import GOAL_MAX_LENGTH, LEVELS
from app.plan import services


def _check(check, *args) -> None:
    try:
        check(*args)
    except services.PlanError as exc:
        raise StopValidation(str(exc)) from exc


def rule(check, required: bool = False):
    """A service check as a field validator: its Dutch message becomes the field's error."""
    def validate(form, field):
        if field.process_errors:   # not a date at all: that message is there already
            raise StopValidation()
        _check(check, field.data)
    if required:
        validate.field_flags = {"required": True}
    return validate


def _competency_choices(competencies, empty: str, keep=None) -> list[tuple[str, str]]:
    """The region's offered competencies as options; `keep` (a goal's own competency) stays listed
    even when the region no longer offers it, so saving the goal does not drop it."""
    listed = list(competencies)
    if keep is not None and keep not in listed:
        listed.append(keep)
    return [("", empty)] + [(c.code, c.name) for c in listed]


class _Form(FlaskForm):
    class Meta:
        csrf = False   # CSRFProtect checks every post already (the pages send csrf_token as before)


class _RegionForm(_Form):
    region_id: int   # whose competency codes count

    def _competency(self, field, required: bool):
        _check(services.required_competency if required else services.competency_by_code,
               self.region_id, field.data)


class GoalForm(_RegionForm):
    text = TextAreaField("Nieuw leerdoel", id="goal-text", validators=[rule(services.check_goal_text, required=True)],
                         description=f"Wat wil je dit jaar leren? Hoogstens {GOAL_MAX_LENGTH} tekens.",
                         render_kw={"maxlength": GOAL_MAX_LENGTH})
    competency = SelectField("Hoort bij competentie (optioneel)", id="goal-competency", choices=[],
                             validate_choice=False)
    nonce = NonceField()

    def validate_competency(self, field):
        self._competency(field, required=False)


class GoalEditForm(GoalForm):
    text = TextAreaField("Leerdoel", id="goal-text", validators=[rule(services.check_goal_text, required=True)],
                         description=f"Hoogstens {GOAL_MAX_LENGTH} tekens.", render_kw={"maxlength": GOAL_MAX_LENGTH})
    status = RadioField("Status", id="goal-status", choices=list(services.GOAL_STATUS_LABELS.items()),
                        validate_choice=False, validators=[rule(services.check_goal_status)])
    nonce = None   # an edit sent twice stores the same text twice: nothing to recognise


class CompetencyForm(_RegionForm):
    code = SelectField("Crisiscompetentie", id="competency-code", choices=[], validate_choice=False,
                       render_kw={"required": True})
    level = RadioField("Niveau", id="competency-level", choices=[(level, level) for level in LEVELS],
                       default="basis", validate_choice=False, validators=[rule(services.check_level)])

    def validate_code(self, field):
        self._competency(field, required=True)


class ProposalForm(_Form):
    name = StringField("Naam van de competentie", id="proposal-name",
                       validators=[rule(services.check_proposal_name, required=True)], render_kw={"maxlength": 120})
    motivation = TextAreaField("Waarom wil je hieraan werken?", id="proposal-motivation",
                               validators=[rule(services.check_motivation, required=True)],
                               render_kw={"maxlength": 1000})
    level = RadioField("Niveau", id="proposal-level", choices=[(level, level) for level in LEVELS],
                       default="basis", validate_choice=False, validators=[rule(services.check_level)])
    nonce = NonceField()


class NextYearForm(_Form):
    nonce = NonceField()


class DecisionForm(_Form):
    """One proposal's decision: the button pressed (`decision`) and the comment."""
    decision = SelectField(choices=[("approve", "Goedkeuren"), ("decline", "Afwijzen")],
                           invalid_choice_message="Kies goedkeuren of afwijzen.")
    comment = TextAreaField("Toelichting", render_kw={"maxlength": 1000})

    @property
    def approve(self) -> bool:
        return self.decision.data == "approve"

    def validate_comment(self, field):
        if not self.decision.errors:
            _check(services.check_decision_comment, field.data, self.approve)


class ReviewForm(_Form):
    held_on = DateField("Datum van het gesprek", id="held-on", default=date.today,
                        invalid_value_message="Vul de datum van het gesprek in (dd-mm-jjjj).",
                        validators=[rule(services.check_held_on, required=True)])
    note = TextAreaField("Korte notitie (optioneel, de functionaris ziet deze)", id="review-note",
                         validators=[rule(services.check_review_note)], render_kw={"maxlength": 1000})


class ReopenForm(_Form):
    year = HiddenField()
    reason = TextAreaField("Reden om het plan weer te openen (de functionaris ziet deze)", id="reopen-reason",
                           validators=[rule(services.check_reason, required=True)], render_kw={"maxlength": 500})


# Forms of a page are built here: a page shows several, and only the one that was posted reads the
# request (`formdata=None` for the others, or one form's values would show up in another's fields).

def goal_form(region_id: int, competencies, goal=None, posted: bool = False) -> GoalForm:
    if goal is None:
        form = GoalForm(formdata=None) if not posted else GoalForm()
        keep = None
    else:
        form = GoalEditForm(data={"text": goal.text, "status": goal.status,
                                  "competency": goal.competency.code if goal.competency else ""})
        keep = goal.competency
    form.region_id = region_id
    form.competency.choices = _competency_choices(competencies, "Geen", keep)
    return form


def competency_form(region_id: int, competencies, posted: bool = False) -> CompetencyForm:
    form = CompetencyForm() if posted else CompetencyForm(formdata=None)
    form.region_id = region_id
    form.code.choices = _competency_choices(competencies, "Kies…")
    return form


def proposal_form(posted: bool = False) -> ProposalForm:
    return ProposalForm() if posted else ProposalForm(formdata=None)


def next_year_form(posted: bool = False) -> NextYearForm:
    return NextYearForm() if posted else NextYearForm(formdata=None)


def decision_form(pc_id: int, posted: bool = False) -> DecisionForm:
    form = DecisionForm() if posted else DecisionForm(formdata=None)
    form.comment.id = form.comment.label.field_id = f"comment-{pc_id}"   # one form per proposal on the page
    return form


def review_form(posted: bool = False) -> ReviewForm:
    form = ReviewForm() if posted else ReviewForm(formdata=None)
    form.held_on.render_kw = {"max": date.today().isoformat()}
    return form


def reopen_form(year: int, posted: bool = False) -> ReopenForm:
    return ReopenForm() if posted else ReopenForm(formdata=None, year=year)
