"""A real content repository for the sync tests: a bare remote in a temporary folder and an author's
clone that commits and pushes (plain git, no mocks)."""
import os
import subprocess
from pathlib import Path

import pytest

from tests.content.helpers import write_module

QUIZ = ("slug: {slug}\ntitle: Quiz {slug}\nsource: Test\ncompetencies: [crisisdiagnose]\nquestions:\n"
        "  - id: q1\n    type: truefalse\n    text: Bij GRIP 2 is een ROT actief.\n    answer: true\n")


def run_git(*args, cwd=None):
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


class Clone:
    """An author's working copy of the content repository."""

    def __init__(self, path: Path, remote: Path):
        self.path, self.remote = path, remote

    def module(self, name, **fields):
        return write_module(self.path / "content", name, **fields)

    def quiz(self, slug):
        path = self.path / "quizzes" / f"{slug}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(QUIZ.format(slug=slug), encoding="utf-8")
        return path

    def git(self, *args):
        return run_git(*args, cwd=self.path)

    def push(self, message, author=("Anna Auteur", "anna@example.nl")) -> str:
        self.git("add", "-A")
        self.git("-c", f"user.name={author[0]}", "-c", f"user.email={author[1]}", "commit", "-q", "-m", message)
        self.git("push", "-q", "origin", "HEAD:main")
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def content_repo(app, tmp_path):
    """A bare repository with one good module and its quiz; the app syncs from it into tmp/sync."""
    remote = tmp_path / "remote.git"
    run_git("init", "-q", "--bare", "-b", "main", str(remote))
    clone = Clone(tmp_path / "work", remote)
    run_git("clone", "-q", str(remote), str(clone.path))
    clone.module("diagnose.md", title="Diagnose in vijf vragen", quiz="diagnose-quiz")
    clone.quiz("diagnose-quiz")
    clone.first = clone.push("Eerste module")
    sync_dir = tmp_path / "sync"
    app.config.update(CONTENT_REPO=str(remote), CONTENT_BRANCH="main", CONTENT_SYNC_DIR=str(sync_dir),
                      CONTENT_DIR=str(sync_dir / "current" / "content"),
                      QUIZ_DIR=str(sync_dir / "current" / "quizzes"), CONTENT_RECHECK_SECONDS=0)
    clone.env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test-secret",
                 "CONTENT_REPO": str(remote), "CONTENT_BRANCH": "main", "CONTENT_SYNC_DIR": str(sync_dir)}
    return clone
