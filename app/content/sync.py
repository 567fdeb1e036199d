"""`flask content sync`: publish the content repository's branch, but only a commit without problems.

Layout under CONTENT_SYNC_DIR (owned by the deployment, not by authors):

    repo.git/            bare repository; `git fetch` brings CONTENT_BRANCH of CONTENT_REPO here
    releases/<sha>/      one exported tree per published commit (content/, quizzes/)
    current -> releases/<sha>   the live content; replaced atomically (rename of a new link)
    sync.lock            a file lock: two syncs on one machine run one after the other

CONTENT_DIR and QUIZ_DIR point at current/content and current/quizzes. Each worker resolves the link
at its next content recheck, so it serves either the old or the new tree, never half of one. A commit
with problems is not published: the link stays, the problems are stored (shown on /author) and the
authors of the new commits are mailed once per commit (the unique sha in content_commit decides, also
when two app servers sync at once).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask
from sqlalchemy.exc import IntegrityError

from app.content.problems import Problem
from app.extensions import db
from app.models import ContentCommit, ContentSyncRun, RetiredModule
from app.models.core import utcnow

CONTENT_FOLDER, QUIZ_FOLDER = "content", "quizzes"
KEEP_RELEASES = 3                      # the live one and two before it (requests still reading them)
GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def redact(text: str) -> str:
    """An address or git message without the user:password part of a URL (shown on /author)."""
    return re.sub(r"(\w+://)[^/@\s]+@", r"\1", text)


class SyncError(RuntimeError):
    """Sync could not run (no CONTENT_REPO, git failed); the live content is untouched."""


@dataclass
class SyncResult:
    result: str                        # published | unchanged | held | error
    sha: str | None = None
    problems: list[str] = field(default_factory=list)
    changes: dict = field(default_factory=dict)
    message: str = ""

    @property
    def exit_code(self) -> int:
        return 0 if self.result in ("published", "unchanged") else 1


# --- git ---------------------------------------------------------------------------------------

def git(*args: str, cwd: str | os.PathLike | None = None, git_dir: str | os.PathLike | None = None) -> str:
    """Run plain git; its stderr becomes the SyncError message."""
    command = ["git", "-c", "core.quotePath=false"] + ([f"--git-dir={git_dir}"] if git_dir else []) + list(args)
    done = _run(command, cwd=cwd, text=True)
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise SyncError(redact(f"git {args[0]} mislukt: {reason[-1] if reason else done.returncode}"))
    return done.stdout


def _run(command: list[str], **options) -> subprocess.CompletedProcess:
    """subprocess.run for git and tar; a missing program or a hanging fetch is a SyncError."""
    try:
        return subprocess.run(command, capture_output=True, env={**os.environ, **GIT_ENV}, timeout=600, **options)
    except FileNotFoundError:
        raise SyncError(f"'{command[0]}' is niet geïnstalleerd op deze server") from None
    except subprocess.TimeoutExpired:
        raise SyncError(f"'{command[0]} {command[1] if len(command) > 1 else ''}' duurde langer dan 10 minuten") from None


def commit_info(git_dir: Path, sha: str) -> dict:
    name, email, stamp, message = git("log", "-1", "--format=%an%x00%ae%x00%ct%x00%B", sha,
                                      git_dir=git_dir).split("\x00", 3)
    return {"author_name": name, "author_email": email, "message": message.strip(),
            "committed_at": datetime.fromtimestamp(int(stamp), timezone.utc).replace(tzinfo=None)}


def authors_since(git_dir: Path, live: str | None, sha: str) -> list[tuple[str, str]]:
    """(name, e-mail) of everyone who authored a commit that is new since the live one."""
    span = f"{live}..{sha}" if live else sha
    seen, authors = set(), []
    for line in git("log", "--format=%an%x00%ae", span, git_dir=git_dir).splitlines():
        name, _, email = line.partition("\x00")
        if email and email.lower() not in seen:
            seen.add(email.lower())
            authors.append((name, email))
    return authors


def export(git_dir: Path, sha: str, target: Path) -> None:
    """Write the tree of sha into target (symlinks stay links, to be reported, never followed), and give
    every file the time of the last commit that changed it: that is when a module "last changed"."""
    target.mkdir(parents=True)
    archive = _run(["git", f"--git-dir={git_dir}", "archive", "--format=tar", sha])
    if archive.returncode != 0:
        raise SyncError(f"git archive mislukt: {archive.stderr.decode(errors='replace').strip()}")
    untar = _run(["tar", "-x", "-C", str(target)], input=archive.stdout)
    if untar.returncode != 0:
        raise SyncError(f"uitpakken mislukt: {untar.stderr.decode(errors='replace').strip()}")
    # Only files of this tree (whose folders are real folders in it), newest commit first.
    pending = {line for line in git("ls-tree", "-r", "--name-only", sha, git_dir=git_dir).splitlines()
               if not (target / line).is_symlink()}
    stamp = None
    for line in git("log", "--format=@%ct", "--name-only", "--no-renames", sha, git_dir=git_dir).splitlines():
        if not pending:
            break
        if line.startswith("@"):
            stamp = int(line[1:])
        elif line in pending:
            pending.discard(line)
            os.utime(target / line, (stamp, stamp), follow_symlinks=False)


def changes(git_dir: Path, live: str | None, sha: str) -> dict:
    """Modules and quizzes added, changed, removed (and renamed) from the live commit to sha."""
    found = {"added": [], "changed": [], "removed": [], "renamed": []}
    if live:
        output = git("diff", "--name-status", "-M", live, sha, "--", CONTENT_FOLDER, QUIZ_FOLDER, git_dir=git_dir)
        rows = [line.split("\t") for line in output.splitlines() if line]
    else:
        output = git("ls-tree", "-r", "--name-only", sha, "--", CONTENT_FOLDER, QUIZ_FOLDER, git_dir=git_dir)
        rows = [["A", line] for line in output.splitlines() if line]
    for row in rows:
        status, paths = row[0], row[1:]
        if not _is_item(paths[-1]) and not (status.startswith("R") and _is_item(paths[0])):
            continue
        if status.startswith("R"):
            found["renamed"].append(f"{paths[0]} → {paths[1]}")
        elif status == "A":
            found["added"].append(paths[0])
        elif status == "D":
            found["removed"].append(paths[0])
        else:
            found["changed"].append(paths[0])
    return {key: value for key, value in found.items() if value}


def _is_item(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    if name.startswith((".", "_")) or name == "README.md":
        return False
    return (path.startswith(CONTENT_FOLDER + "/") and name.endswith(".md")) or \
        (path.startswith(QUIZ_FOLDER + "/") and name.endswith((".yaml", ".yml")))


# --- checking a tree with the rules of `content check` -----------------------------------------

@contextlib.contextmanager
def content_at(app: Flask, content_dir: Path, quiz_dir: Path):
    """Point the app's content at another tree for the duration (a fresh store; restored after)."""
    from app.content.catalogue import ContentStore
    saved = {key: app.config[key] for key in ("CONTENT_DIR", "QUIZ_DIR")}
    saved_store = app.extensions.get("paraat_content_store")
    app.config.update(CONTENT_DIR=str(content_dir), QUIZ_DIR=str(quiz_dir))
    app.extensions["paraat_content_store"] = ContentStore()
    try:
        yield
    finally:
        app.config.update(saved)
        if saved_store is None:
            app.extensions.pop("paraat_content_store", None)
        else:
            app.extensions["paraat_content_store"] = saved_store


def check_tree(app: Flask, tree: Path) -> tuple[list[str], list[str], dict[str, str]]:
    """(problems, warnings) in tree as `path:line: message` with paths inside the repository, and the
    tree's modules as slug -> title. Only problems hold a commit back; warnings never do."""
    from app.content import run_checks
    from app.content.catalogue import get_catalogue
    found: list[Problem] = []
    for folder in (CONTENT_FOLDER, QUIZ_FOLDER):
        if (tree / folder).is_symlink() or (folder == CONTENT_FOLDER and not (tree / folder).is_dir()):
            found.append(Problem(folder + "/", 1, "deze map ontbreekt in de repository (of is een symlink)"))
    # git keeps no empty folder: without quizzes/ the tree simply has no quizzes yet.
    with tempfile.TemporaryDirectory() as empty:
        quiz_dir = tree / QUIZ_FOLDER if (tree / QUIZ_FOLDER).is_dir() else Path(empty)
        with content_at(app, tree / CONTENT_FOLDER, quiz_dir):
            if not found:
                found = run_checks(app)
            titles = {slug: module.title for slug, module in get_catalogue().modules.items()}
    real = os.path.realpath(tree)
    problems, warnings = set(), set()
    for problem in found:
        path = os.path.abspath(problem.path)
        path = os.path.relpath(path, real) if path.startswith(real + os.sep) else problem.path
        (warnings if problem.warning else problems).add(str(Problem(path, problem.line, problem.message)))
    return sorted(problems), sorted(warnings), titles


def live_titles(app: Flask, live_tree: Path | None) -> dict[str, str]:
    from app.content.catalogue import get_catalogue
    if live_tree is None:
        return {}
    with content_at(app, live_tree / CONTENT_FOLDER, live_tree / QUIZ_FOLDER):
        return {slug: module.title for slug, module in get_catalogue().modules.items()}


# --- the sync ----------------------------------------------------------------------------------

def live_sha(sync_dir: Path) -> str | None:
    try:
        return Path(os.readlink(sync_dir / "current")).name
    except OSError:
        return None


@contextlib.contextmanager
def _locked(sync_dir: Path):
    with open(sync_dir / "sync.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)   # the second sync waits, then finds nothing left to do
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _swap_link(sync_dir: Path, sha: str) -> None:
    """Point `current` at releases/<sha> in one rename: a reader sees the old link or the new one."""
    temporary = sync_dir / f".current-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    os.symlink(Path("releases") / sha, temporary)
    os.replace(temporary, sync_dir / "current")


def _prune(sync_dir: Path, keep: str) -> None:
    releases = sync_dir / "releases"
    old = sorted((p for p in releases.iterdir() if p.name != keep and not p.name.startswith(".")),
                 key=lambda p: p.stat().st_mtime, reverse=True)
    for path in old[KEEP_RELEASES - 1:]:
        shutil.rmtree(path, ignore_errors=True)
    for path in releases.glob(".tmp-*"):  # a sync that was killed halfway
        shutil.rmtree(path, ignore_errors=True)


def sync(app: Flask) -> SyncResult:
    """Fetch, check, and publish only a clean commit. Needs an app context.

    One run is one unit of work, committed once at its end, inside the lock: a second sync waiting
    on the lock sees this one's verdict. A run that fails undoes what it wrote and records the error."""
    repo = app.config.get("CONTENT_REPO")
    if not repo:
        raise SyncError("CONTENT_REPO is niet ingesteld: zonder contentrepository wordt de contentmap gebruikt "
                        "zoals hij is")
    branch = app.config.get("CONTENT_BRANCH") or "main"
    sync_dir = Path(app.config["CONTENT_SYNC_DIR"]).resolve()
    (sync_dir / "releases").mkdir(parents=True, exist_ok=True)
    with _locked(sync_dir):
        try:
            result = _sync_locked(app, repo, branch, sync_dir)
        except SyncError as exc:
            db.session.rollback()
            result = SyncResult("error", message=str(exc))
        _record_run(result)
        db.session.commit()
        return result


def _sync_locked(app: Flask, repo: str, branch: str, sync_dir: Path) -> SyncResult:
    git_dir = sync_dir / "repo.git"
    if not (git_dir / "HEAD").exists():
        git("init", "--quiet", "--bare", str(git_dir))
    ref = f"refs/paraat/{branch}"
    git("fetch", "--quiet", "--no-tags", "--force", repo, f"+refs/heads/{branch}:{ref}", git_dir=git_dir)
    sha = git("rev-parse", "--verify", f"{ref}^{{commit}}", git_dir=git_dir).strip()
    live = live_sha(sync_dir)
    if sha == live:
        return SyncResult("unchanged", sha, message=f"{sha[:10]} is al live")
    info = commit_info(git_dir, sha)
    diff = changes(git_dir, live, sha)
    tree = sync_dir / "releases" / f".tmp-{sha}-{os.getpid()}"
    try:
        export(git_dir, sha, tree)
        problems, _warnings, titles = check_tree(app, tree)
        if problems:
            shutil.rmtree(tree, ignore_errors=True)
            _hold(app, git_dir, live, sha, info, problems, diff)
            return SyncResult("held", sha, problems, diff,
                              f"{sha[:10]} tegengehouden: {len(problems)} "
                              f"{'probleem' if len(problems) == 1 else 'problemen'}; live blijft "
                              f"{live[:10] if live else 'leeg'}")
        (tree / QUIZ_FOLDER).mkdir(exist_ok=True)      # QUIZ_DIR exists even before the first quiz
        release = sync_dir / "releases" / sha
        if release.exists():           # published before (a revert to an older commit)
            shutil.rmtree(tree, ignore_errors=True)
        else:
            os.rename(tree, release)
        before = live_titles(app, sync_dir / "releases" / live if live else None)
        _swap_link(sync_dir, sha)
    finally:
        if tree.exists():
            shutil.rmtree(tree, ignore_errors=True)
    _publish(sha, info, diff, before, titles)
    _prune(sync_dir, sha)
    return SyncResult("published", sha, [], diff, f"{sha[:10]} is live")


def _upsert_commit(sha: str, status: str, info: dict, problems: list, diff: dict) -> bool:
    """Store the verdict on sha; True when this call made the row (so it alone mails)."""
    row = db.session.scalar(db.select(ContentCommit).filter_by(sha=sha))
    created = row is None
    if created:
        try:
            with db.session.begin_nested():
                row = ContentCommit(sha=sha, status=status, problems=problems, changes=diff, **info)
                db.session.add(row)
        except IntegrityError:        # another app server stored it a moment ago
            row = db.session.scalar(db.select(ContentCommit).filter_by(sha=sha))
            created = False
    row.status, row.problems, row.changes, row.checked_at = status, problems, diff, utcnow()
    return created


def _hold(app: Flask, git_dir: Path, live: str | None, sha: str, info: dict, problems: list, diff: dict) -> None:
    if _upsert_commit(sha, "held", info, problems, diff):
        from app.mail import send
        for name, email in authors_since(git_dir, live, sha):
            send(email, f"Paraat: je contentwijziging {sha[:10]} is niet gepubliceerd",
                 _held_mail(app, name, sha, info, problems))


def _held_mail(app: Flask, name: str, sha: str, info: dict, problems: list) -> str:
    base = (app.config.get("PUBLIC_URL") or "").rstrip("/")
    shown = problems[:50]
    more = f"\n… en nog {len(problems) - len(shown)} problemen." if len(problems) > len(shown) else ""
    return (f"Beste {name or 'auteur'},\n\n"
            f"De commit {sha[:10]} (\"{info['message'].splitlines()[0] if info['message'] else ''}\") is niet "
            "op Paraat gezet, omdat de controle problemen vond. De content die live staat blijft zoals hij was.\n\n"
            + "\n".join(shown) + more +
            "\n\nLos ze op, controleer met `flask --app wsgi content check` en push opnieuw. "
            f"Alle problemen staan ook op {base}/author.\n")


def _publish(sha: str, info: dict, diff: dict, before: dict[str, str], after: dict[str, str]) -> None:
    _upsert_commit(sha, "published", info, [], diff)
    for slug, title in before.items():
        if slug not in after and db.session.scalar(db.select(RetiredModule).filter_by(slug=slug)) is None:
            db.session.add(RetiredModule(slug=slug, title=title[:300]))
    if after:
        db.session.execute(db.delete(RetiredModule).where(RetiredModule.slug.in_(list(after))))


def _record_run(result: SyncResult) -> None:
    """Log the run; a run with the same outcome as the one before only moves its time (a timer every
    two minutes would otherwise add 700 identical rows a day)."""
    last = db.session.scalar(db.select(ContentSyncRun).order_by(ContentSyncRun.id.desc()).limit(1))
    if last is not None and (last.sha, last.result) == (result.sha, result.result):
        last.at, last.detail = utcnow(), result.message[:2000]
    else:
        db.session.add(ContentSyncRun(sha=result.sha, result=result.result, detail=result.message[:2000]))


# --- what /author shows ------------------------------------------------------------------------

@dataclass
class Status:
    enabled: bool
    repo: str | None
    branch: str
    live: ContentCommit | None
    live_sha: str | None
    last_run: ContentSyncRun | None
    held: ContentCommit | None          # the newest checked commit, when it is held back


def status(app: Flask) -> Status:
    repo = app.config.get("CONTENT_REPO")
    branch = app.config.get("CONTENT_BRANCH") or "main"
    if not repo:
        return Status(False, None, branch, None, None, None, None)
    sha = live_sha(Path(app.config["CONTENT_SYNC_DIR"]))
    live = db.session.scalar(db.select(ContentCommit).filter_by(sha=sha)) if sha else None
    last_run = db.session.scalar(db.select(ContentSyncRun).order_by(ContentSyncRun.at.desc(),
                                                                    ContentSyncRun.id.desc()).limit(1))
    held = None
    if last_run is not None and last_run.sha and last_run.sha != sha:
        candidate = db.session.scalar(db.select(ContentCommit).filter_by(sha=last_run.sha))
        if candidate is not None and candidate.status == "held":
            held = candidate
    return Status(True, redact(repo), branch, live, sha, last_run, held)


def repository_path(app: Flask, path: str) -> str:
    """A path inside a published release as the author knows it (content/x.md), else unchanged."""
    if not app.config.get("CONTENT_REPO"):
        return path
    releases = os.path.realpath(Path(app.config["CONTENT_SYNC_DIR"]) / "releases") + os.sep
    absolute = os.path.abspath(path)
    if not absolute.startswith(releases):
        return path
    inside = absolute[len(releases):].split(os.sep, 1)   # [sha, content/x.md]
    return inside[1] if len(inside) == 2 else path

