"""The pre-commit check for a content repository: `content check` on what is about to be committed.

Run by `hooks/paraat-content-check` (a plain git pre-commit hook, or the pre-commit framework's hook
`paraat-content-check`). Without file names (a git hook) it checks the staged tree, exported from the
git index, so unstaged edits neither hide nor cause a problem; with file names (the pre-commit framework,
which stashes unstaged edits first, or an author checking a draft) it checks the working tree. The rules
are those of `flask content sync`, without a database: codes are checked against the region's defaults.
Problems in the changed (or named) files fail.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path


def _git(*args: str) -> str:
    return subprocess.run(["git", "-c", "core.quotePath=false", *args], capture_output=True, text=True,
                          check=True).stdout


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        top = Path(_git("rev-parse", "--show-toplevel").strip())
    except (OSError, subprocess.CalledProcessError):
        print("paraat-content-check: dit is geen git-repository", file=sys.stderr)
        return 2
    os.chdir(top)
    changed = [Path(name).as_posix() for name in argv] or \
        _git("diff", "--cached", "--name-only", "--diff-filter=ACMRT").splitlines()
    # No database, no secret key file: the check needs neither.
    os.environ.setdefault("SECRET_KEY", "paraat-content-check")
    os.environ["DATABASE_URL"] = "sqlite://"
    os.environ.pop("CONTENT_REPO", None)
    from app import create_app
    from app.content.sync import check_tree

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": os.environ["SECRET_KEY"]})
    with tempfile.TemporaryDirectory(prefix="paraat-check-") as staged:
        if argv:   # named files (pre-commit framework, or by hand): the working tree as it is
            tree = top
        else:      # plain git hook: exactly what is staged, from the index
            _git("checkout-index", "--all", f"--prefix={staged}/")
            tree = Path(staged)
        with app.app_context():
            problems, warnings, _titles = check_tree(app, tree)
    wanted = set(changed)

    def concerns_change(line: str) -> bool:
        path = line.split(":", 1)[0]
        return path in wanted or path.endswith("/")

    mine = [line for line in problems if concerns_change(line)]
    for line in mine + [line for line in warnings if concerns_change(line)]:
        print(line)
    others = len(problems) - len(mine)
    if others:
        print(f"({others} {'probleem' if others == 1 else 'problemen'} in bestanden die je niet wijzigt; "
              "zie flask --app wsgi content check)", file=sys.stderr)
    if mine:
        print(f"{len(mine)} {'probleem' if len(mine) == 1 else 'problemen'} gevonden; de commit is niet gemaakt.",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
