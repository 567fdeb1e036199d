"""Forms of the activities feature: an activity with seats per function, and a registration round."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import CheckboxListField, NonceField

DT_FORMAT = "%Y-%m-%dT%H:%M"


class ActivityForm(FlaskForm):
    title = StringField("Titel", validators=[DataRequired(message="Vul een titel in."),
                                             Length(max=200, message="Gebruik hoogstens 200 tekens.")])
    kind = SelectField("Soort activiteit", choices=[], validators=[DataRequired(message="Kies een soort.")])
    starts_at = DateTimeLocalField("Begin", format=DT_FORMAT,
                                   validators=[DataRequired(message="Vul datum en tijd van het begin in.")])
    ends_at = DateTimeLocalField("Einde", format=DT_FORMAT,
                                 validators=[DataRequired(message="Vul datum en tijd van het einde in.")])
    location = StringField("Locatie", validators=[Optional(), Length(max=200)])
    organiser = StringField("Organisator", validators=[Optional(), Length(max=200)])
    description = TextAreaField("Beschrijving", description="Markdown mag: **vet**, lijstjes, koppelingen.",
                                validators=[Optional(), Length(max=20000)])
    competencies = CheckboxListField("Crisiscompetenties die je oefent", choices=[])
    round_id = SelectField("Inschrijving", choices=[],
                           description="Via een inschrijfronde (verdeling op voorrang) of direct: wie het eerst komt.")
    priority = SelectField(
        "Voorrang bij de verdeling", choices=[
            ("", "Standaard voor de soort"),
            ("plan", "Ontwikkelplan eerst"),
            ("norm", "Normtekort eerst")],
        description="Alleen bij een inschrijfronde. Standaard: multi-, opstart- en systeemoefeningen en "
                    "briefings op normtekort; trainingen, kennisdagen, masterclasses en andere "
                    "ontwikkelactiviteiten op ontwikkelplan. Dan telt het andere, daarna beslist een loting.")
    level = SelectField("Niveau", choices=[("", "Elk niveau"), ("basis", "Basis"), ("gevorderd", "Gevorderd")],
                        description="Met een niveau telt het ontwikkelplan alleen mee als daarin dat niveau "
                                    "(of geen niveau) bij de competentie staat.")
    unannounced = BooleanField("Onaangekondigde oefening (functionarissen zien haar pas als ze begonnen is)")
    nonce = NonceField()


class RoundForm(FlaskForm):
    name = StringField("Naam", description="Bijvoorbeeld ‘Voorjaar 2027’.",
                       validators=[DataRequired(message="Vul een naam in."), Length(max=120)])
    opens_at = DateTimeLocalField("Inschrijving open vanaf", format=DT_FORMAT,
                                  validators=[DataRequired(message="Vul in wanneer de inschrijving opent.")])
    closes_at = DateTimeLocalField("Inschrijving sluit op", format=DT_FORMAT,
                                   validators=[DataRequired(message="Vul in wanneer de inschrijving sluit.")])
    nonce = NonceField()
