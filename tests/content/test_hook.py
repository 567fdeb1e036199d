"""The pre-commit hook for content repositories: a plain git hook that stops a broken commit with
`path:line: message`, and the same script as the pre-commit framework calls it (file names given)."""
import os
import subprocess
from pathlib import Path

import yaml

from tests.content.gitrepo import run_git
from tests.content.helpers import write_module

ROOT = Path(__file__).resolve().parents[2]
HOOK = ROOT / "hooks" / "paraat-content-check"


def commit(repo, message):
    return subprocess.run(["git", "-c", "user.name=Anna", "-c", "user.email=anna@example.nl", "commit", "-q",
                           "-m", message], cwd=repo, capture_output=True, text=True)


def test_the_git_hook_stops_a_broken_commit_and_lets_a_good_one_through(tmp_path):
    repo = tmp_path / "inhoud"
    run_git("init", "-q", "-b", "main", str(repo))
    os.symlink(HOOK, repo / ".git" / "hooks" / "pre-commit")
    write_module(repo / "content", "a.md", level="expert")
    run_git("add", "-A", cwd=repo)
    done = commit(repo, "kapot")
    assert done.returncode == 1
    # git shows a hook's output on stderr
    assert "content/a.md:6: niveau 'expert' is onbekend" in done.stderr
    assert "de commit is niet gemaakt" in done.stderr
    write_module(repo / "content", "a.md")
    os.symlink("/etc/passwd", repo / "content" / "leak.png")
    run_git("add", "-A", cwd=repo)
    done = commit(repo, "symlink")
    assert done.returncode == 1 and "content/leak.png:1: symbolische link" in done.stderr
    run_git("rm", "-q", "--cached", "content/leak.png", cwd=repo)
    (repo / "content" / "leak.png").unlink()
    done = commit(repo, "goed")
    assert done.returncode == 0, done.stdout + done.stderr
    assert run_git("log", "--format=%s", cwd=repo).split() == ["goed"]


def test_the_pre_commit_framework_entry_checks_only_the_files_it_is_given(tmp_path):
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "paraat-content-check" and (ROOT / hooks[0]["entry"]) == HOOK
    repo = tmp_path / "inhoud"
    run_git("init", "-q", "-b", "main", str(repo))
    write_module(repo / "content", "oud.md", minutes=99)
    write_module(repo / "content", "nieuw.md", summary=None)
    run_git("add", "-A", cwd=repo)
    done = subprocess.run([str(HOOK), "content/nieuw.md"], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 1
    assert "content/nieuw.md:1: verplicht veld 'summary' ontbreekt" in done.stdout
    assert "oud.md" not in done.stdout and "1 probleem in bestanden die je niet wijzigt" in done.stderr


def test_an_author_can_check_a_draft_that_is_not_staged_yet(tmp_path):
    repo = tmp_path / "inhoud"
    run_git("init", "-q", "-b", "main", str(repo))
    write_module(repo / "content", "concept.md", minutes=0)
    done = subprocess.run([str(HOOK), "content/concept.md"], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 1 and "content/concept.md:7: leestijd 0 minuten" in done.stdout
    assert not (repo / "quizzes").exists()   # the check changes nothing in the author's folder
