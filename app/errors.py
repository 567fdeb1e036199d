"""Dutch error pages; never a stack trace to a user."""
import logging

from flask import Flask, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.web import render

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Verzoek niet begrepen", "Het verzoek kon niet worden verwerkt. Probeer het opnieuw."),
    403: ("Geen toegang", "Je hebt geen toegang tot deze pagina."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer), of je hebt er geen toegang toe."),
    405: ("Niet toegestaan", "Deze handeling kan hier niet."),
    413: ("Te groot", "Wat je stuurde is te groot."),
    429: ("Even wachten", "Te veel pogingen achter elkaar. Wacht een paar minuten en probeer het dan opnieuw."),
    500: ("Er ging iets mis", "Er ging aan onze kant iets mis. Je gegevens zijn niet verloren; probeer het later opnieuw."),
}


def _page(code: int, message: str | None = None):
    title, default = MESSAGES.get(code, MESSAGES[500])
    return render("errors/error.html", "errors/_error.html", status=code,
                  code=code, title=title, message=message or default)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(400, "Je formulier was verlopen of niet geldig (beveiligingscode ontbreekt). "
                          "Laad de pagina opnieuw en probeer het nog eens; wat je eerder opsloeg is bewaard.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        return _page(error.code or 500)

    @app.errorhandler(Exception)
    def unhandled(error):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        from app.extensions import db
        db.session.rollback()
        return _page(500)

    @app.errorhandler(InternalServerError)
    def internal(error):
        return _page(500)
