"""`flask content sync` against a real git repository: good, broken, removal, symlink and rename
pushes, and what the portal serves after each; two syncs at once."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.extensions import db
from app.models import ContentCommit, ContentSyncRun, OutboxMessage
from tests import factories
from tests.content.gitrepo import content_repo  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgresql   # issue 17: what the portal serves after each push, on both databases


def sync(runner):
    result = runner.invoke(args=["content", "sync"])
    return result.exit_code, result.output


@pytest.fixture
def reader(app, auth):
    person = factories.user(email="ol@example.nl", functions=("OL",))
    factories.competency("crisisdiagnose", name="Crisisdiagnose")
    auth.login("ol@example.nl")
    return person


def test_a_good_push_goes_live_and_a_second_sync_changes_nothing(runner, client, reader, content_repo):
    assert client.get("/learn/diagnose").status_code == 404  # nothing published yet
    code, output = sync(runner)
    assert code == 0 and f"{content_repo.first[:10]} is live" in output
    page = client.get("/learn/diagnose").get_data(as_text=True)
    assert "Diagnose in vijf vragen" in page
    assert client.get("/quizzes/diagnose-quiz").status_code == 200
    code, output = sync(runner)
    assert code == 0 and "is al live" in output
    assert db.session.scalar(db.select(db.func.count(ContentCommit.id))) == 1
    assert sync(runner)[0] == 0
    assert [r.result for r in db.session.scalars(db.select(ContentSyncRun).order_by(ContentSyncRun.id))] == \
        ["published", "unchanged"]   # the same outcome again moves the time of the last run, no new row


def test_a_broken_push_is_held_back_shown_and_mailed_once(runner, client, reader, content_repo):
    sync(runner)
    content_repo.module("diagnose.md", title="Diagnose, nieuwe versie", level="expert")
    content_repo.module("tweede.md", title="Tweede module")
    sha = content_repo.push("Niveau aangepast", author=("Bert Bouwer", "bert@example.nl"))
    code, output = sync(runner)
    assert code == 1
    assert "content/diagnose.md:6: niveau 'expert' is onbekend" in output
    assert "tegengehouden" in output
    page = client.get("/learn/diagnose").get_data(as_text=True)
    assert "Diagnose in vijf vragen" in page and "nieuwe versie" not in page  # the last good commit stays
    assert client.get("/learn/tweede").status_code == 404                  # nothing of the bad commit
    mails = db.session.scalars(db.select(OutboxMessage)).all()
    assert [m.to for m in mails] == ["bert@example.nl"]
    assert sha[:10] in mails[0].subject and "content/diagnose.md:6:" in mails[0].body
    assert sync(runner)[0] == 1                                             # idempotent: no second mail
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 1

    content_repo.module("diagnose.md", title="Diagnose, nieuwe versie")
    fixed = content_repo.push("Niveau hersteld")
    code, output = sync(runner)
    assert code == 0 and f"{fixed[:10]} is live" in output
    assert "nieuwe versie" in client.get("/learn/diagnose").get_data(as_text=True)
    assert client.get("/learn/tweede").status_code == 200


def test_a_symlink_in_a_push_is_held_back_at_line_1(runner, client, reader, content_repo):
    sync(runner)
    (content_repo.path / "content" / "media").mkdir()
    os.symlink("/etc/passwd", content_repo.path / "content" / "media" / "leak.png")
    content_repo.push("Afbeelding")
    code, output = sync(runner)
    assert code == 1 and "content/media/leak.png:1: symbolische link" in output
    assert client.get("/learn/media/media/leak.png").status_code == 404


def test_a_removed_module_answers_410_and_stays_in_the_portfolio(runner, client, reader, content_repo):
    sync(runner)
    client.post("/learn/diagnose/read")
    (content_repo.path / "content" / "diagnose.md").unlink()
    content_repo.module("ander.md", title="Andere module")
    content_repo.push("Diagnose weg")
    code, output = sync(runner)
    assert code == 0
    gone = client.get("/learn/diagnose")
    assert gone.status_code == 410
    text = gone.get_data(as_text=True)
    assert "Diagnose in vijf vragen" in text and "niet meer" in text and 'href="/learn"' in text
    assert "Microlearning: Diagnose in vijf vragen" in client.get("/portfolio").get_data(as_text=True)
    assert client.get("/learn/bestaat-nooit").status_code == 404


def test_a_rename_publishes_the_new_address_and_retires_the_old(runner, client, reader, content_repo):
    sync(runner)
    content_repo.git("mv", "content/diagnose.md", "content/diagnose-snel.md")
    content_repo.push("Nieuwe naam")
    code, _ = sync(runner)
    assert code == 0
    assert client.get("/learn/diagnose-snel").status_code == 200
    assert client.get("/learn/diagnose").status_code == 410
    live = db.session.scalar(db.select(ContentCommit).filter_by(status="published").order_by(ContentCommit.id.desc()))
    assert live.changes == {"renamed": ["content/diagnose.md → content/diagnose-snel.md"]}


def _two_syncs(env):
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "content", "sync"]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    db.session.expire_all()
    return [run.returncode for run in runs], outputs


def test_two_syncs_at_once_publish_once(app, client, reader, content_repo):
    assert client.get("/learn/diagnose").status_code == 404   # this worker has read the (empty) content
    codes, outputs = _two_syncs(content_repo.env)
    assert codes == [0, 0], outputs
    assert sorted("is al live" in out for out in outputs) == [False, True], outputs
    assert db.session.scalar(db.select(db.func.count(ContentCommit.id))) == 1
    current = Path(app.config["CONTENT_SYNC_DIR"]) / "current"
    assert os.readlink(current) == f"releases/{content_repo.first}"
    assert (current / "content" / "diagnose.md").is_file()
    assert client.get("/learn/diagnose").status_code == 200   # and sees the other processes' sync at once


def test_two_syncs_at_once_of_a_broken_commit_mail_once_and_publish_nothing(app, content_repo):
    content_repo.module("kapot.md", minutes=0)
    content_repo.push("Kapot", author=("Bert Bouwer", "bert@example.nl"))
    codes, outputs = _two_syncs(content_repo.env)
    assert codes == [1, 1], outputs
    assert all("content/kapot.md:7: leestijd 0 minuten" in out for out in outputs), outputs
    assert sorted(m.to for m in db.session.scalars(db.select(OutboxMessage))) == ["anna@example.nl", "bert@example.nl"]
    assert not (Path(app.config["CONTENT_SYNC_DIR"]) / "current").exists()


def test_author_page_shows_the_live_commit_the_last_sync_and_a_held_back_commit(runner, client, app, content_repo):
    factories.user(email="auteur@example.nl", roles=("author",))
    client.post("/login", data={"email": "auteur@example.nl", "password": "correct horse battery"})
    page = client.get("/author").get_data(as_text=True)
    assert "Er is nog niets gepubliceerd" in page
    sync(runner)
    page = client.get("/author").get_data(as_text=True)
    assert content_repo.first[:10] in page and "Anna Auteur" in page and "Eerste module" in page
    assert "gepubliceerd" in page
    content_repo.module("diagnose.md", title="Diagnose", minutes=90)
    content_repo.quiz("nieuwe-quiz")
    bad = content_repo.push("Te lang")
    sync(runner)
    page = client.get("/author").get_data(as_text=True)
    assert f"Tegengehouden: commit <code>{bad[:10]}</code>" in page
    assert "content/diagnose.md:7: leestijd 90 minuten valt buiten 1 tot en met 30" in page
    assert "Gewijzigd: <code>content/diagnose.md</code>" in page and "Nieuw: <code>quizzes/nieuwe-quiz.yaml</code>" in page
    assert f"<dd><code>{content_repo.first[:10]}</code></dd>" in page  # still the live one
    assert "<code>content/diagnose.md</code>" in page and "releases" not in page  # paths as in the repository


def test_module_page_shows_its_last_change_and_the_start_page_marks_it_updated(runner, client, reader, content_repo):
    sync(runner)
    client.post("/learn/diagnose/read")
    assert "bijgewerkt" not in client.get("/").get_data(as_text=True)
    from app.models import ModuleRead
    row = db.session.scalar(db.select(ModuleRead))
    row.read_at = row.read_at.replace(year=2020)  # read long before the next commit
    db.session.commit()
    content_repo.module("diagnose.md", title="Diagnose in vijf vragen", body="Nieuwe tekst.\n")
    content_repo.push("Tekst bijgewerkt")
    assert sync(runner)[0] == 0
    stamp = int(content_repo.git("log", "-1", "--format=%ct").strip())
    from datetime import datetime
    page = client.get("/learn/diagnose").get_data(as_text=True)
    assert "Laatst gewijzigd" in page and "bijgewerkt sinds je hem las" in page
    assert str(datetime.fromtimestamp(stamp).year) in page
    home = client.get("/").get_data(as_text=True)
    assert "Bijgewerkt sinds je ze las" in home and "Diagnose in vijf vragen" in home
    assert "bijgewerkt</span>" in client.get("/learn").get_data(as_text=True)


def test_warnings_do_not_hold_a_commit_back_and_no_password_in_the_address_is_shown(runner, client, app,
                                                                                    content_repo):
    from app.content import Problem, checking
    with checking.connected_to(
            lambda app: [Problem("quizzes/diagnose-quiz.yaml", 1, "waarschuwing: kan beter", warning=True)]):
        code, output = sync(runner)
    assert code == 0 and "is live" in output         # a warning never holds a commit back
    app.config["CONTENT_REPO"] = "https://anna:geheim-token@git.example.nl/oto/inhoud.git"
    code, output = sync(runner)
    assert code == 1 and "geheim-token" not in output
    factories.user(email="auteur@example.nl", roles=("author",))
    client.post("/login", data={"email": "auteur@example.nl", "password": "correct horse battery"})
    page = client.get("/author").get_data(as_text=True)
    assert "https://git.example.nl/oto/inhoud.git" in page and "geheim-token" not in page
    assert "mislukt" in page
