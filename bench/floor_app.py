"""The least a logged-in page can cost on the stack Paraat is built on: a second baseline for bench_pages.

Flask with a signed cookie session, Flask-Login loading the user through Flask-SQLAlchemy (one query,
Paraat's own `user` table), a CSRF token from Flask-WTF and a Jinja page with a layout, a few links and a
form. No features, no security headers, no server-side session, no rate limiter, no compression, no
translations: everything Paraat adds on top of this is Paraat's own cost.
"""
import os
import time

from flask import Flask, g, render_template
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from jinja2 import DictLoader

app = Flask(__name__)
app.config.update(SECRET_KEY="floor", SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"],
                  SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
db = SQLAlchemy(app)
login_manager = LoginManager(app)
login_manager.login_view = "login"
CSRFProtect(app)


class User(UserMixin, db.Model):
    __tablename__ = "user"
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String)
    name = db.Column(db.String)


login_manager.user_loader(lambda user_id: db.session.get(User, int(user_id)))

LAYOUT = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<header><a href="{{ url_for('page') }}">Paraat</a><nav><ul>
{% for name in links %}<li><a href="{{ url_for('page', section=name) }}">{{ name }}</a></li>{% endfor %}
</ul></nav><p>{{ current_user.name }}</p></header>
<main><h1>{{ title }}</h1>{% for n in range(12) %}<p>Alinea {{ n }} voor {{ current_user.name }}.</p>{% endfor %}
<form method="post" action="{{ url_for('page') }}"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
<button>Verstuur</button></form></main></body></html>"""

app.jinja_loader = DictLoader({"page.html": LAYOUT})


@app.get("/login")
def login():
    login_user(db.session.scalar(db.select(User).order_by(User.id)))
    return "ok"


@app.route("/", methods=["GET", "POST"])
@app.get("/<section>")
@login_required
def page(section="start"):
    return render_template("page.html", title=section, links=["Leren", "Oefentoetsen", "Ontwikkelplan",
                                                                "Portfolio", "Activiteiten", "Account"])


@app.before_request
def started():
    g.started = time.perf_counter()


@app.after_request
def server_timing(response):  # as Paraat's, which the bench reads
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - g.started) * 1000:.1f}"
    return response


@app.get("/healthz")
def health():
    return "ok"
