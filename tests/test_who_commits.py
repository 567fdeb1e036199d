"""README, "Who commits": services never commit or roll back; the request, a CLI command or a job does.

A scan of app/ that fails when a commit or rollback appears outside the places allowed to make one,
or a transaction on a connection of its own is opened outside app/transactions.py. The behaviour
itself is tested per area: a service call followed by a rollback leaves nothing.
"""
import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
ENDS = re.compile(r"\bsession\.(commit|rollback)\(\)")
OWN = re.compile(r"\bengine\.(begin|connect)\(")

# Each file allowed to commit or roll back the session, and why.
ALLOWED = {
    "transactions.py": "the request's one commit, or its rollback for an answer of 400 or more",
    "errors.py": "the error pages roll the failed request back before they render",
    "mail.py": "the deliverer job (`mail deliver` and the thread after a commit): a commit per message",
    "content/sync.py": "`content sync`: one commit per run, inside its lock",
    "admin/cli.py": "`users …` and `privacy purge` commit when done",
    "norms/cli.py": "`roster import` commits when done",
    "activities/registration.py": "jobs `activities remind` and `expire-offers`: a commit per item",
    "activities/rounds.py": "job `allocation close-due`: a commit per round",
    "activities/routes.py": "a refused save or walk-in is rolled back before the page answers",
    "activities/demo.py": "a seeder of `demo seed`",
    "demo/seed.py": "`demo seed`",
    "main/routes.py": "/healthz: a failed probe leaves the session to be rolled back",
    "content/catalogue.py": "a database without tables yet: the failed read is rolled back",
    "quizzes/validate.py": "a database without tables yet: the failed read is rolled back",
}


def _hits(pattern):
    for path in sorted(APP.rglob("*.py")):
        name = path.relative_to(APP).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line.split("#")[0]):
                yield name, number, line.strip()


def test_only_requests_commands_and_jobs_commit():
    found = [f"app/{name}:{number}: {line}" for name, number, line in _hits(ENDS)
             if name not in ALLOWED]
    assert not found, ("A service commits or rolls back; leave that to the request, command or job "
                       "(README, 'Who commits'):\n" + "\n".join(found))


def test_writes_on_a_connection_of_their_own_go_through_own_transaction():
    """`transactions.own_transaction()` is the one door for the few writes README names as standing
    on their own."""
    found = [f"app/{name}:{number}: {line}" for name, number, line in _hits(OWN) if name != "transactions.py"]
    assert not found, "\n".join(found)
