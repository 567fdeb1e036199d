"""Paraat: a self-service learning portal for crisis functionaries. `create_app()` builds it."""
import hashlib
import importlib
import logging
import os
import time
from pathlib import Path

import click
from flask import Flask, request, url_for

from app import config as config_module
from app.extensions import babel, compress, csrf, db, limiter, login_manager

# Each feature is a package with `bp`; an optional `init_app(app)` adds its CLI commands and
# settings. The start page (app/main/cards.py) and the demo seed (app/demo/seed.py) call the
# features directly.
FEATURES = ("main", "auth", "learn", "quizzes", "plan", "portfolio", "activities",
            "monitor", "author", "admin", "demo")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    from app.web import IdConverter, YearConverter
    app.url_map.converters.update(int=IdConverter, year=YearConverter)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config_module.from_environment(app.instance_path, app.root_path,
                                                     (test_config or {}).get("SECRET_KEY")))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.update(test_config)
    config_module.check(app.config)
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        # Trust exactly one proxy hop; without it rate limits would see only the proxy's address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    db.init_app(app)
    app.cli.add_command(_MigrationCommands(app))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=lambda: "nl")
    from app.extensions import StaticCompressionCache, compression_cache_key
    app.config.setdefault("COMPRESS_CACHE_BACKEND", StaticCompressionCache)
    app.config.setdefault("COMPRESS_CACHE_KEY", compression_cache_key)
    compress.init_app(app)
    login_manager.init_app(app)
    _configure_login()

    from app import errors, mail, security
    mail.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    _register_features(app)
    _configure_templates(app)
    from app import transactions
    transactions.init_app(app)
    return app


def warm_up(app: Flask) -> None:
    """Load once, before gunicorn forks its workers, what each worker would otherwise load for itself
    on its first requests: the ORM mappings, every template compiled, the Dutch date formats, the
    parsed content catalogue and quizzes. The workers then share these pages with the master instead
    of each holding a copy. Nothing personal is loaded; the catalogue is rechecked as always.
    The database connection used here is closed again, so no worker inherits it."""
    from datetime import date

    from flask_babel import format_date
    from sqlalchemy.orm import configure_mappers

    from app.content.catalogue import get_catalogue
    from app.quizzes.loader import quiz_set

    configure_mappers()
    with app.test_request_context():
        for name in app.jinja_env.list_templates(filter_func=lambda n: n.endswith((".html", ".txt"))):
            app.jinja_env.get_template(name)
        format_date(date.today(), "d MMMM yyyy")
        get_catalogue()
        quiz_set()
        db.session.remove()
        db.engine.dispose()


def init_migrations(app: Flask) -> None:
    """Flask-Migrate for `app` (the `flask db` commands, and tests that migrate a database)."""
    if "migrate" not in app.extensions:
        # Imported after logging is set up, alembic would log each of its plugins at INFO.
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
        from flask_migrate import Migrate
        Migrate(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)


class _MigrationCommands(click.Group):
    """`flask db ...`: Flask-Migrate's commands, imported when one is asked for. A web worker never
    loads Flask-Migrate and alembic (19 MB of every process)."""

    def __init__(self, app: Flask):
        super().__init__("db", help="Databasemigraties (Flask-Migrate / Alembic).")
        self.app = app

    def _commands(self) -> click.Group:
        init_migrations(self.app)
        from flask_migrate.cli import db as commands
        return commands

    def parse_args(self, ctx, args):
        commands = self._commands()  # its options (--directory, -x) and callback, which sets them on g
        self.params, self.callback = commands.params, commands.callback
        return super().parse_args(ctx, args)

    def list_commands(self, ctx):
        return self._commands().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._commands().get_command(ctx, name)


def _configure_login() -> None:
    from flask import session

    from app.auth.services import load_session_user
    from app.web import opened_by_person

    def load_user(session_id: str):
        """The cookie's user, only while its server-side session (key in the cookie) is live."""
        user = load_session_user(session_id, session.get("sid"))
        if user is not None:
            _keep_cookie_alive()
        return user

    def _keep_cookie_alive():
        """Move the session cookie's 12-hour expiry along at most once a minute, and only with what the
        person opened (SESSION_REFRESH_EACH_REQUEST is off). A response that changes nothing in the
        session then sends no cookie, so a page the service worker fetches in the background cannot put
        back an older cookie over the one a form just set, and lose that form's message."""
        minute = int(time.time() // 60)
        if session.get("seen") != minute and opened_by_person():
            session["seen"] = minute

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te zien."
    login_manager.login_message_category = "info"

    @login_manager.unauthorized_handler
    def unauthorized():
        """Flask-Login's redirect to the login page, but "Log in om deze pagina te zien." only for what
        the person opened: a page the service worker fetches in the background after a logout would
        otherwise leave that message for the next page the person sees."""
        from flask import flash, redirect
        from flask_login import login_url

        if opened_by_person():
            flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(login_url(login_manager.login_view, next_url=request.url))
    # "basic": a phone that changes network keeps its session; revocation is by session version.
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)


def _register_features(app: Flask) -> None:
    for name in FEATURES:
        module = importlib.import_module(f"app.{name}")
        if hasattr(module, "bp"):
            app.register_blueprint(module.bp)
        if hasattr(module, "init_app"):
            module.init_app(app)


def _configure_templates(app: Flask) -> None:
    from flask_babel import format_date, format_datetime

    static_root = Path(app.static_folder)
    digests: dict[str, str] = {}

    def static_url(filename: str) -> str:
        """Fingerprinted static URL, so assets can be cached for a year and still update."""
        if filename not in digests or app.debug:
            data = (static_root / filename).read_bytes()
            digests[filename] = hashlib.sha256(data).hexdigest()[:10]
        return url_for("static", filename=filename, v=digests[filename])

    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.filters["date_nl"] = lambda d, fmt="d MMMM yyyy": format_date(d, fmt) if d else ""
    app.jinja_env.filters["datetime_nl"] = (
        lambda d, fmt="d MMMM yyyy HH:mm": format_datetime(d, fmt) if d else "")

    @app.after_request
    def cache_fingerprinted_static(response):
        if request.endpoint != "static":
            return response
        # Read the (small) file into memory so Flask-Compress, which runs after this, compresses it.
        response.direct_passthrough = False
        response.make_sequence()
        if request.args.get("v"):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = 31536000
            response.cache_control.immutable = True
        return response
