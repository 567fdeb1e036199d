"""Path and YAML safety for files that authors commit (CONTENT_DIR, QUIZ_DIR).

Commit access to content is not admin access: a symlink in the content tree is never followed (not
while scanning, not when serving a file) and is reported by `content check`; a YAML alias, which can
blow a few hundred bytes up into megabytes, is refused in front matter and quiz files.
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from app.content.problems import Problem, display_path

SKIPPED_FOLDERS = (".git",)
SYMLINK_MESSAGE = ("symbolische link (symlink) is niet toegestaan in de contentmap; zet het bestand zelf "
                   "in de map")
ALIAS_MESSAGE = ("YAML-alias '*{name}' is niet toegestaan (aliassen kunnen een bestand onbeperkt laten "
                 "uitdijen); schrijf de waarde uit")


def scan(root: str, suffixes: tuple) -> list[tuple[str, int, int]]:
    """(path, mtime_ns, size) of the regular files below root with one of the suffixes, sorted.

    Hidden and _-folders are skipped; symlinks (to files or folders) are never followed, so a link
    cannot leak a file from outside the tree and two links pointing at each other cannot loop.
    """
    found = []
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return found
    for entry in entries:
        name = entry.name
        if name.startswith((".", "_")):
            continue
        try:
            if entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                found.extend(scan(entry.path, suffixes))
            elif name.lower().endswith(suffixes) and name != "README.md" and entry.is_file(follow_symlinks=False):
                stat = entry.stat(follow_symlinks=False)
                found.append((entry.path, stat.st_mtime_ns, stat.st_size))
        except OSError:
            continue
    return found


def symlinks(root: str | os.PathLike) -> list[str]:
    """Every symlink below root (also in hidden folders, except .git), without following any."""
    links = []
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return links
    for entry in entries:
        try:
            if entry.is_symlink():
                links.append(entry.path)
            elif entry.is_dir(follow_symlinks=False) and entry.name not in SKIPPED_FOLDERS:
                links.extend(symlinks(entry.path))
        except OSError:
            continue
    return links


def symlink_problems(*roots) -> list[Problem]:
    """One `path:1:` problem per symlink in the given folders (the folders themselves may be links)."""
    seen, problems = set(), []
    for root in roots:
        real = os.path.realpath(root)
        if real in seen:
            continue
        seen.add(real)
        problems.extend(Problem(display_path(path), 1, SYMLINK_MESSAGE) for path in symlinks(root))
    return problems


def inside(root: str | os.PathLike, relative: str) -> Path | None:
    """root/relative when it is a file inside root reached without any symlink, else None.

    The root itself may be a link (a deployment's `current` link); nothing below it may be.
    """
    real_root = os.path.realpath(root)
    candidate = os.path.normpath(os.path.join(real_root, relative))
    if not candidate.startswith(real_root + os.sep):
        return None
    if os.path.realpath(candidate) != candidate or not os.path.isfile(candidate):
        return None
    return Path(candidate)


def find_alias(text: str) -> tuple[int, str] | None:
    """(0-based line, message) of the first YAML alias in text, or None.

    Only documents that contain a '*' can hold an alias, so the event scan runs only for those.
    A YAML syntax error is left to the real parser, which reports it with its own line.
    """
    if "*" not in text:
        return None
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(text, Loader=loader_class):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line, ALIAS_MESSAGE.format(name=event.anchor)
    except yaml.YAMLError:
        return None
    return None
