"""A problem found in content: where it is (path, line) and what is wrong, in Dutch."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One line of `flask content check` output: `path:line: message` (line 1-based; 0 = whole file)."""

    path: str
    line: int
    message: str
    warning: bool = False       # shown, but `content check` still exits 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def display_path(path: str | os.PathLike) -> str:
    """The path as a person would type it: relative to the working directory when inside it."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, cwd)
    return absolute
