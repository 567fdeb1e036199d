"""Login and password forms."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from app.auth.passwords import MAX_LENGTH, MIN_LENGTH


class LoginForm(FlaskForm):
    email = EmailField("E-mailadres", validators=[DataRequired(message="Vul je e-mailadres in."),
                                                  Length(max=254, message="Dit e-mailadres is te lang.")],
                       render_kw={"autocomplete": "username"})
    password = PasswordField("Wachtwoord", validators=[DataRequired(message="Vul je wachtwoord in."),
                                                       Length(max=MAX_LENGTH, message="Dit wachtwoord is te lang.")],
                             render_kw={"autocomplete": "current-password"})


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Huidig wachtwoord", validators=[DataRequired(message="Vul je huidige wachtwoord in.")],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(
        "Nieuw wachtwoord",
        validators=[DataRequired(message="Vul een nieuw wachtwoord in."),
                    Length(min=MIN_LENGTH, max=MAX_LENGTH,
                           message=f"Kies een wachtwoord van {MIN_LENGTH} tot {MAX_LENGTH} tekens.")],
        description=f"Minstens {MIN_LENGTH} tekens. Een zin van een paar woorden werkt goed.",
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Herhaal nieuw wachtwoord",
                            validators=[EqualTo("new", message="De twee nieuwe wachtwoorden zijn niet gelijk.")],
                            render_kw={"autocomplete": "new-password"})


class SetPasswordForm(FlaskForm):
    new = PasswordChangeForm.new
    confirm = PasswordChangeForm.confirm


class ForgotPasswordForm(FlaskForm):
    email = LoginForm.email
