"""Monitoring forms: link an activity that took place to an organisation-level obligation."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import Length

from app.monitor.obligations import NOTE_MAX


def _int_or_zero(value) -> int:
    """Tampered or empty input becomes 0, which the service refuses with a Dutch message."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class FulfilmentForm(FlaskForm):
    activity_id = SelectField("Activiteit die heeft plaatsgevonden", coerce=_int_or_zero, choices=[], validate_choice=False)
    note = TextAreaField("Toelichting (optioneel)", description="Bijvoorbeeld welk scenario, welke gemeente of partner.",
                         validators=[Length(max=NOTE_MAX, message=f"Gebruik hoogstens {NOTE_MAX} tekens.")])
    covers_all = BooleanField("Hiermee is de verplichting helemaal voldaan", default=True)


class RosterForm(FlaskForm):
    roster = FileField("Piketrooster (CSV)", description="Kolommen e-mail;begin;eind, zoals Excel met Nederlandse "
                       "instellingen opslaat; datums als 2026-05-04 of 4-5-2026.",
                       validators=[FileRequired("Kies een CSV-bestand.")], render_kw={"accept": ".csv,text/csv"})
