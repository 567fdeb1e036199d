"""Dutch error pages; never a stack trace to a user."""
import logging

from flask import Flask, Response, request
from markupsafe import escape
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


# The last resort when even the error page cannot be rendered: plain Dutch, no database, no template.
BARE = ('<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{title} — Paraat</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body><main><h1>{title}</h1><p>{message}</p><p><a href="/">Naar de startpagina</a></p></main></body></html>')


def _page(code: int, message: str | None = None):
    """The Dutch error page. Rolls the request back first (a failed flush or commit leaves the
    session unusable, and the page's own lookups, such as the logged-in person, would fail)."""
    title, default = MESSAGES.get(code, MESSAGES[500])
    _rollback()
    try:
        return render("errors/error.html", "errors/_error.html", status=code,
                      code=code, title=title, message=message or default)
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        log.exception("error page %s could not be rendered", code)
        _rollback()
        return Response(BARE.format(title=escape(title), message=escape(message or default)), status=code,
                        mimetype="text/html")


def server_error_page():
    """The Dutch 500 page (after rolling the request back); for failures outside a view."""
    return _page(500)


def _rollback() -> None:
    from app.extensions import db
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a broken connection: the pool replaces it on the next request
        log.exception("rollback failed")


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
        return _page(500)

    @app.errorhandler(InternalServerError)
    def internal(error):
        return _page(500)
