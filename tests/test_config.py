"""Production refuses to start without PUBLIC_URL or with the example SECRET_KEY: one Dutch line, exit 2."""
import os
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app import config, create_app
from app.config import PLACEHOLDER_SECRET_KEY, ConfigError
from app.urls import public_path, public_url

ROOT = Path(__file__).resolve().parent.parent


def _flask(env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_URL", "SECRET_KEY", "APP_ENV")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}", **env_extra)
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "routes"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_production_without_public_url_refuses_to_start(tmp_path):
    result = _flask({"APP_ENV": "production", "SECRET_KEY": "s" * 64}, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuratiefout: PUBLIC_URL ontbreekt; in productie is het verplicht, "
        "bijvoorbeeld PUBLIC_URL=https://paraat.vrtwente.nl"]


def test_gunicorn_as_deployed_refuses_to_start_without_public_url(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_URL", "SECRET_KEY", "APP_ENV")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}", APP_ENV="production", SECRET_KEY="s" * 64)
    result = subprocess.run([sys.executable, "-m", "gunicorn", "--preload", "--bind", "127.0.0.1:0", "wsgi:app"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("Configuratiefout: PUBLIC_URL ontbreekt")


def test_production_with_the_example_secret_key_refuses_to_start(tmp_path):
    result = _flask({"APP_ENV": "production", "SECRET_KEY": PLACEHOLDER_SECRET_KEY,
                     "PUBLIC_URL": "https://paraat.vrtwente.nl"}, tmp_path)
    assert result.returncode == 2 and "SECRET_KEY is nog de voorbeeldwaarde" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_production_with_public_url_starts(tmp_path):
    result = _flask({"APP_ENV": "production", "SECRET_KEY": "s" * 64,
                     "PUBLIC_URL": "https://paraat.vrtwente.nl/"}, tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("url", ["paraat.vrtwente.nl", "ftp://paraat.vrtwente.nl", "https://"])
def test_a_public_url_without_scheme_or_host_is_refused(tmp_path, monkeypatch, url):
    monkeypatch.setenv("PUBLIC_URL", url)
    with pytest.raises(ConfigError, match="PUBLIC_URL is geen bruikbaar adres"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}"})


def test_links_start_with_public_url_including_a_path_prefix(tmp_path, monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "https://intranet.vrtwente.nl/paraat/")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}"})
    with app.app_context():  # no request: as in a scheduled job
        assert public_url("auth.set_password", token="abc") == \
            "https://intranet.vrtwente.nl/paraat/account/set-password/abc"
        assert public_path("/activities/mine") == "https://intranet.vrtwente.nl/paraat/activities/mine"


def test_a_failing_job_does_not_stop_the_jobs_after_it(tmp_path):
    """deploy/paraat-jobs.sh on a real database: `mail deliver` fails (no SMTP server listens),
    `privacy purge` after it still runs, and the script reports the failure with exit 1."""
    from tests.mailserver import free_port

    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_URL", "APP_ENV")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'jobs.db'}", SECRET_KEY="jobs",
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(free_port()), FLASK=f"{sys.executable} -m flask")
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    with sqlite3.connect(tmp_path / "jobs.db") as conn:  # a message the app could not deliver at once
        conn.execute("INSERT INTO outbox_message (created_at, \"to\", subject, body, tries) "
                     "VALUES (CURRENT_TIMESTAMP, 'a@example.nl', 'Welkom', 'Hallo', 0)")
    result = subprocess.run(["bash", str(ROOT / "deploy" / "paraat-jobs.sh")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "paraat-jobs: 'mail deliver' is mislukt; de volgende taken lopen door" in result.stderr
    assert "0 verstuurd, 1 later opnieuw, 0 mislukt." in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("0 accounts")  # privacy purge ran last


def test_secret_key_is_generated_once_into_a_private_file(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.from_environment(str(tmp_path), str(tmp_path / "app"))["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert len(first) == 64 and key_file.read_text() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert config.from_environment(str(tmp_path), str(tmp_path / "app"))["SECRET_KEY"] == first


def test_a_given_secret_key_writes_no_file(tmp_path, monkeypatch):
    """Tests and benches pass their own key: they leave nothing in the work tree's instance/."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert config.from_environment(str(tmp_path), str(tmp_path / "app"), "test-key")["SECRET_KEY"] == "test-key"
    assert list(tmp_path.iterdir()) == []


def test_processes_starting_together_share_one_secret_key(tmp_path, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: config.from_environment(str(tmp_path), str(tmp_path))["SECRET_KEY"], range(40)))
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_a_web_process_never_loads_alembic_and_flask_db_still_works(tmp_path):
    """Flask-Migrate and alembic (19 MB of every process) load only for `flask db`."""
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_URL", "APP_ENV")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'w.db'}", SECRET_KEY="w")
    check = ("import sys; from app import create_app; create_app(); "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'flask_migrate'}))")
    result = subprocess.run([sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
    heads = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "heads"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=60)
    assert heads.returncode == 0 and "(head)" in heads.stdout, heads.stderr


def test_gunicorn_with_the_deployed_settings_warms_up_before_forking_and_serves(tmp_path):
    """deploy/gunicorn.conf.py loads templates, catalogue and quizzes in the master (app.warm_up); the
    workers forked after it serve pages and the database as usual."""
    from tests.mailserver import free_port

    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_URL", "APP_ENV")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'g.db'}", SECRET_KEY="g")
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=120)
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                               "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        for _ in range(300):
            try:
                health = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-2000:]
                time.sleep(0.2)
        assert health.status == 200
        for _ in range(4):  # both workers, each with a database connection of its own
            login = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10)
            assert login.status == 200 and "Inloggen" in login.read().decode()
            assert urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
