"""Configuration from environment variables (CONTRACT section 2) with safe defaults."""
import os
import secrets
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit


def _secret_key(instance_path: str) -> str:
    """Read SECRET_KEY from the environment or a 0600 file generated once in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        # Written whole under a temporary name, then linked into place: when several processes start
        # at once (workers, parallel tests) one key wins and nobody reads a half-written file.
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


class ConfigError(RuntimeError):
    """A configuration value is unusable; the message says which and how to fix it (Dutch)."""


PLACEHOLDER_SECRET_KEY = "change-me-to-64-random-characters"  # the one in deploy/paraat.env.example


def check(config: dict) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    _check_public_url(config)
    expires = config.get("SECURITY_TXT_EXPIRES")
    if expires:
        try:
            date.fromisoformat(expires)
        except ValueError:
            raise ConfigError(f"SECURITY_TXT_EXPIRES is geen datum ({expires!r}); gebruik JJJJ-MM-DD") from None
    if config.get("APP_ENV") == "production" and config.get("SECRET_KEY") == PLACEHOLDER_SECRET_KEY:
        raise ConfigError("SECRET_KEY is nog de voorbeeldwaarde uit paraat.env.example; "
                          "kies een eigen geheime waarde (bijvoorbeeld: openssl rand -hex 32)")

    url = config["SQLALCHEMY_DATABASE_URI"]
    try:
        make_url(url).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise ConfigError(
            f"DATABASE_URL is geen bruikbare database-URL ({url!r}): {exc}. "
            "Voorbeelden: sqlite:////pad/naar/paraat.db of postgresql+psycopg://gebruiker@host:5432/paraat"
        ) from None


def _check_public_url(config: dict) -> None:
    url = config.get("PUBLIC_URL")
    if not url:
        if config.get("APP_ENV") == "production":
            raise ConfigError("PUBLIC_URL ontbreekt; in productie is het verplicht, "
                              "bijvoorbeeld PUBLIC_URL=https://paraat.vrtwente.nl")
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"PUBLIC_URL is geen bruikbaar adres ({url!r}); "
                          "geef schema en host, bijvoorbeeld https://paraat.vrtwente.nl")
    config["PUBLIC_URL"] = url.rstrip("/")


def from_environment(instance_path: str, root_path: str, secret_key: str | None = None) -> dict:
    """Build the config dict; instance/config.py may override any key afterwards.

    `secret_key` (given by a test or bench config) means no key file is read or written."""
    project_root = Path(root_path).parent
    app_env = os.environ.get("APP_ENV", "development")
    production = app_env == "production"
    # With a content repository the live content is the `current` link that `content sync` swaps.
    sync_dir = os.environ.get("CONTENT_SYNC_DIR", str(Path(instance_path) / "content-sync"))
    live = Path(sync_dir) / "current" if os.environ.get("CONTENT_REPO") else project_root
    return {
        "APP_ENV": app_env,
        "SECRET_KEY": secret_key or _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{Path(instance_path) / 'paraat.db'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CONTENT_DIR": os.environ.get("CONTENT_DIR", str(live / "content")),
        "QUIZ_DIR": os.environ.get("QUIZ_DIR", str(live / "quizzes")),
        "CONTENT_REPO": os.environ.get("CONTENT_REPO"),
        "CONTENT_BRANCH": os.environ.get("CONTENT_BRANCH", "main"),
        "CONTENT_SYNC_DIR": sync_dir,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "paraat@localhost"),
        "MAIL_MAX_TRIES": int(os.environ.get("MAIL_MAX_TRIES", "6")),
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", "10")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Explicit: Flask-Limiter's init_app otherwise inherits `enabled` from the previous app it was
        # bound to (one limiter object per process), so an app made with limits off would switch them
        # off for every later app in that process.
        "RATELIMIT_ENABLED": True,
        "FORGOT_MIN_SECONDS": float(os.environ.get("FORGOT_MIN_SECONDS", "0.25")),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute;20 per hour"),
        "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "paraat-demo"),
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "WTF_I18N_ENABLED": True,
        "SESSION_COOKIE_NAME": "__Host-paraat" if production else "paraat",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,  # a session ends after 12 hours without use
        # The cookie's expiry moves along once a minute with what the person opens (app._keep_cookie_alive),
        # not with every response.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_MAX_HOURS": int(os.environ.get("SESSION_MAX_HOURS", str(14 * 24))),  # and 14 days after login
        # The address users reach the portal at; every absolute link (mail, calendar, security.txt).
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "" if production else "http://127.0.0.1:5000"),
        "SECURITY_CONTACT": os.environ.get("SECURITY_CONTACT", "mailto:security@paraat.example"),
        # security.txt Expires (a date, YYYY-MM-DD): when the operator reviews the contact next.
        "SECURITY_TXT_EXPIRES": os.environ.get("SECURITY_TXT_EXPIRES", ""),
        # 1 behind a reverse proxy that sets X-Forwarded-For/-Proto/-Host (one hop): https URLs, real IPs.
        "PROXY_FIX": os.environ.get("PROXY_FIX", "0") == "1",
        "PORTFOLIO_RETENTION_DAYS": int(os.environ.get("PORTFOLIO_RETENTION_DAYS", "365")),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                               "application/json", "text/calendar", "application/manifest+json",
                               "image/svg+xml", "text/plain", "text/csv"],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 500,
    }
