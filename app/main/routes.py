"""Start page, account page, public information pages and operator endpoints."""
from datetime import datetime, timedelta, timezone

from flask import Response, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from app.extensions import db, limiter
from app.main import bp
from app.main.cards import cards_for
from app.web import render


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render("main/home.html", cards=cards_for(current_user))


@bp.route("/account")
@login_required
def account():
    return render("main/account.html")


@bp.route("/toegankelijkheid")
def accessibility():
    return render("main/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render("main/privacy.html")


@bp.route("/.well-known/security.txt")
def security_txt():
    expires = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=180)
    body = render_template("main/security.txt", contact=current_app.config["SECURITY_CONTACT"],
                           expires=expires.isoformat().replace("+00:00", "Z"),
                           canonical=url_for("main.security_txt", _external=True))
    return Response(body, mimetype="text/plain")


@bp.route("/manifest.webmanifest")
def manifest():
    response = Response(render_template("main/manifest.webmanifest"),
                        mimetype="application/manifest+json")
    return response


@bp.route("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"; details go to the log only
        current_app.logger.exception("healthz: database did not answer")
        db.session.rollback()
        return Response("database unavailable", status=503, mimetype="text/plain")
    return Response("ok", mimetype="text/plain")
