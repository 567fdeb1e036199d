"""Start page, account page, public information pages and operator endpoints."""
from datetime import date
from pathlib import Path

from flask import Response, current_app, redirect, render_template, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from app.extensions import db, limiter
from app.main import bp
from app.main.cards import cards_for
from app.urls import public_url
from app.web import render


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    cards = cards_for(current_user)
    return render("main/home.html", cards=cards, offline_urls=_offline_urls(cards))


def _offline_urls(cards) -> list[str]:
    """The personal pages the service worker may keep for reading offline: this week's briefing
    module (also as the briefing flow's first step), the review session and each question of it. Nothing else personal is ever cached."""
    urls = []
    for card, ctx in cards:
        if card.key == "briefing_module" and ctx and ctx.get("briefing"):
            urls.append(url_for("learn.module", slug=ctx["briefing"].slug))
            urls.append(url_for("quizzes.briefing_step", step=1))   # the flow's first step: that module
        elif card.key == "reviews" and ctx and ctx.get("due"):
            urls.append(url_for("quizzes.review"))
            urls.extend(url_for("quizzes.review_question", card_id=card_id) for card_id in ctx["card_ids"])
    return urls


@bp.route("/account")
@login_required
def account():
    from app.auth import sessions

    this = sessions.current(current_user.id, session.get("sid"))
    return render("main/account.html", sessions=sessions.active(current_user), this_session_id=this and this.id,
                  device=sessions.device)


@bp.route("/toegankelijkheid")
def accessibility():
    return render("main/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render("main/privacy.html")


@bp.route("/.well-known/security.txt")
def security_txt():
    expires = current_app.config.get("SECURITY_TXT_EXPIRES") or f"{date.today().year}-12-31"
    body = render_template("main/security.txt", contact=current_app.config["SECURITY_CONTACT"],
                           expires=f"{expires}T23:59:59Z",
                           canonical=public_url("main.security_txt"))
    return Response(body, mimetype="text/plain")


@bp.route("/security.txt")
def security_txt_legacy():
    return redirect(url_for("main.security_txt"), code=301)


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


@bp.route("/sw.js")
@limiter.exempt
def service_worker():
    """The service worker from app/static/sw.js, served at the root so its scope is the whole site.

    The fingerprinted URLs of the app shell are filled in here, so a new CSS or JS file also makes
    a new worker (browsers compare the script byte for byte).
    """
    from flask import json

    static_url = current_app.jinja_env.globals["static_url"]
    shell = [static_url(name) for name in SHELL_ASSETS] + [url_for("main.offline")]
    source = (Path(current_app.static_folder) / "sw.js").read_text(encoding="utf-8")
    source = source.replace("const SHELL = [];", f"const SHELL = {json.dumps(shell)};", 1)
    response = Response(source, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.cache_control.no_cache = True
    return response


SHELL_ASSETS = ("css/app.css", "js/app.js", "vendor/htmx-2.0.8.min.js", "icons/icon.svg")


@bp.route("/offline")
def offline():
    return render("main/offline.html")
