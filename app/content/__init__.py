"""Content in files: micro-learning modules (CONTENT_DIR) and the `flask content` commands.

`run_checks(app)` is what `flask content check`, `flask content sync` and the author page report.
Quizzes are checked by the quizzes feature, which sits above content: it connects a receiver to
the `checking` signal (blinker, as Flask's own signals) that returns its list of `Problem`s.
"""
from __future__ import annotations

from blinker import Namespace
from flask import Flask

from app.content.problems import Problem, display_path  # noqa: F401

__all__ = ["Problem", "checking", "display_path", "run_checks", "get_catalogue", "init_app"]

# Sent with the app as sender; each receiver returns the problems it found (a list of Problem).
# Receivers connect for any sender (the features are the same in every app).
checking = Namespace().signal("content-checking")


def run_checks(app: Flask) -> list[Problem]:
    """Every problem: the modules' own, symlinks, then each receiver's (a failing receiver is a problem too)."""
    from app.content.catalogue import get_catalogue
    from app.content.safety import symlink_problems
    problems = list(get_catalogue(force=True).problems)
    problems.extend(symlink_problems(app.config["CONTENT_DIR"], app.config["QUIZ_DIR"]))
    for receiver in checking.receivers_for(app):
        try:
            problems.extend(receiver(app) or [])
        except Exception as exc:  # a checker bug must not hide the other problems
            app.logger.exception("content checker %r failed", receiver)
            problems.append(Problem(getattr(receiver, "__module__", "checker"), 0,
                                    f"controle kon niet worden uitgevoerd: {exc}"))
    return problems


def get_catalogue(force: bool = False):
    from app.content.catalogue import get_catalogue as current
    return current(force=force)


def init_app(app: Flask) -> None:
    """Called by the learn feature: the module store and the `flask content` command group."""
    from app.content.catalogue import init_store
    from app.content.cli import content_cli
    init_store(app)
    app.cli.add_command(content_cli)
