"""Content in files: micro-learning modules (CONTENT_DIR) and the `flask content` commands.

Other features add checks to `flask content check` (and to the author page) with
`register_checker(app, fn)`; `fn()` (or `fn(app)`) returns a list of `Problem(path, line, message)`.
"""
from __future__ import annotations

import inspect
from typing import Callable

from flask import Flask

from app.content.problems import Problem, display_path  # noqa: F401

__all__ = ["Problem", "display_path", "register_checker", "run_checks", "get_catalogue", "init_app"]


def register_checker(app: Flask, checker: Callable[..., list[Problem]]) -> None:
    """Add a content checker; it runs inside an app context and returns the problems it found."""
    checkers = app.extensions.setdefault("paraat_content_checkers", [])
    if checker not in checkers:
        checkers.append(checker)


def _call(checker, app):
    try:
        wants_app = len(inspect.signature(checker).parameters) >= 1
    except (TypeError, ValueError):
        wants_app = False
    return checker(app) if wants_app else checker()


def run_checks(app: Flask) -> list[Problem]:
    """Every problem: the modules' own, then each registered checker's (a failing checker is a problem too)."""
    from app.content.catalogue import get_catalogue
    problems = list(get_catalogue(force=True).problems)
    for checker in app.extensions.get("paraat_content_checkers", []):
        try:
            problems.extend(_call(checker, app) or [])
        except Exception as exc:  # a checker bug must not hide the other problems
            app.logger.exception("content checker %r failed", checker)
            problems.append(Problem(getattr(checker, "__module__", "checker"), 0,
                                    f"controle kon niet worden uitgevoerd: {exc}"))
    return problems


def _symlinks(app: Flask) -> list[Problem]:
    """Every symlink in CONTENT_DIR and QUIZ_DIR is a problem: links are never followed or published."""
    from app.content.safety import symlink_problems
    return symlink_problems(app.config["CONTENT_DIR"], app.config["QUIZ_DIR"])


def get_catalogue(force: bool = False):
    from app.content.catalogue import get_catalogue as current
    return current(force=force)


def init_app(app: Flask) -> None:
    """Called by the learn feature: the module store and the `flask content` command group."""
    from app.content.catalogue import init_store
    from app.content.cli import content_cli
    init_store(app)
    register_checker(app, _symlinks)
    if "content" not in app.cli.commands:
        app.cli.add_command(content_cli)
