"""Admin forms: create an account, change roles and functions."""
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length

from app.forms import CheckboxListField

ROLE_LABELS = [("functionary", "Functionaris"), ("author", "Auteur"),
               ("coordinator", "OTO-coördinator"), ("admin", "Beheerder")]


class UserForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired(message="Vul een e-mailadres in."),
                                                  Length(max=254, message="Dit e-mailadres is te lang.")])
    name = StringField("Naam", validators=[DataRequired(message="Vul een naam in."),
                                           Length(max=120, message="Gebruik hoogstens 120 tekens.")])
    roles = CheckboxListField("Rollen", choices=ROLE_LABELS, default=["functionary"],
                              validators=[DataRequired(message="Kies minstens één rol.")])
    functions = CheckboxListField("Crisisfuncties", choices=[])


class AccessForm(FlaskForm):
    roles = CheckboxListField("Rollen", choices=ROLE_LABELS,
                              validators=[DataRequired(message="Kies minstens één rol.")])
    functions = CheckboxListField("Crisisfuncties", choices=[])
    on_duty = CheckboxListField("In piket voor", choices=[])
