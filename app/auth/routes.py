"""Login, logout and password change pages."""
import time
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app import audit
from app.auth import bp, sessions
from app.auth.forms import ForgotPasswordForm, LoginForm, PasswordChangeForm, SetPasswordForm
from app.auth.services import AccountError, WrongPassword, authenticate, change_password
from app.extensions import limiter
from app.web import render


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so a login link can't send someone elsewhere.

    No control characters (a CR/LF would break the Location header) and no backslash (browsers
    read `/\\host` as `//host`)."""
    if (target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc
            and "\\" not in target and not any(ord(c) < 32 or ord(c) == 127 for c in target)):
        return target
    return url_for("main.home")


# What the login page says after a logout, chosen by `?uit=` in the redirect. Not a flash: a flash
# lives in the session cookie, and a request that was under way before the logout (a page the
# service worker fetches in the background) answers with the old cookie and takes it away.
LOGGED_OUT = {"1": "Je bent uitgelogd.", "alle": "Je bent op alle apparaten uitgelogd."}


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    if request.method == "GET" and request.args.get("uit") in LOGGED_OUT:
        flash(LOGGED_OUT[request.args["uit"]], "success")   # shown by this very page
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user:
            next_url = _safe_next(request.args.get("next"))
            # A fresh session on login: nothing from before the login carries over.
            session.clear()
            _start_session(user)
            flash(f"Welkom, {user.name}.", "success")
            return redirect(next_url)
        form.form_errors.append("E-mailadres of wachtwoord klopt niet.")
    status = 422 if request.method == "POST" else 200
    return render("auth/login.html", "auth/_login_form.html", status=status, form=form)


def _start_session(user) -> None:
    session["sid"] = sessions.start(user, request.user_agent.string)
    login_user(user)
    session.permanent = True


@bp.route("/logout", methods=["POST"])
def logout():
    sessions.end(session.get("sid"))
    logout_user()
    session.clear()
    return redirect(url_for("auth.login", uit="1"))


@bp.route("/account/sessions/end-all", methods=["POST"])
@login_required
def end_all_sessions():
    count = sessions.end_all(current_user)
    audit.record(current_user, "sessions_ended", current_user, detail=f"{count} sessies")
    logout_user()
    session.clear()
    return redirect(url_for("auth.login", uit="alle"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda response: g.get("wrong_password", False))
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current.data, form.new.data)
        except WrongPassword as exc:
            g.wrong_password = True  # counts like a failed login
            form.form_errors.append(str(exc))
        except AccountError as exc:
            form.form_errors.append(str(exc))
        else:
            # Other sessions are now stale; keep this one by logging in with the new version.
            session.clear()
            _start_session(current_user._get_current_object())
            flash("Je wachtwoord is gewijzigd. Op andere apparaten ben je uitgelogd.", "success")
            return redirect(url_for("main.account"))
    status = 422 if request.method == "POST" else 200
    return render("auth/password.html", "auth/_password_form.html", status=status, form=form)


@bp.route("/account/set-password/<token>", methods=["GET", "POST"])
def set_password(token):
    from app.auth.reset import user_for_token
    from app.auth.services import set_password as store_password

    user = user_for_token(token)
    if user is None:
        return render("auth/link_invalid.html", status=404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        # Whoever was logged in here is logged out first: that looks up their session, whose last-seen
        # time is written on its own, which must come before this request writes (SQLite: one writer).
        logout_user()
        session.clear()
        store_password(user, form.new.data)
        audit.record(user, "password_set_by_link", user)
        flash("Je wachtwoord is ingesteld. Log nu in.", "success")
        return redirect(url_for("auth.login"))
    return render("auth/set_password.html", status=422 if request.method == "POST" else 200, form=form)


@bp.route("/account/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot():
    from app.auth.reset import send_set_password_link
    from app.auth.services import find_by_email

    form = ForgotPasswordForm()
    if form.validate_on_submit():
        started = time.monotonic()
        user = find_by_email(form.email.data)
        if user and user.active:
            send_set_password_link(user)
        # The same answer, in the same time, whether or not the address exists: no account enumeration.
        time.sleep(max(0.0, current_app.config["FORGOT_MIN_SECONDS"] - (time.monotonic() - started)))
        flash("Als dit adres bij Paraat bekend is, staat er een e-mail met een link voor je klaar.", "success")
        return redirect(url_for("auth.login"))
    return render("auth/forgot.html", status=422 if request.method == "POST" else 200, form=form)
