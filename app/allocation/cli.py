"""Command-line wrapper around solve(): JSON instance in, result JSON out, exit 2 on bad input."""
from __future__ import annotations

import json
import sys

from .instance import InstanceError
from .solver import solve

USAGE = "usage: allocation solve INSTANCE.json   (use - to read standard input)"


def main(argv=None, stdin=None, stdout=None, stderr=None) -> int:
    """Run one allocation; returns the exit status (0 ok, 2 bad usage or bad input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    if argv in (["-h"], ["--help"]):
        print(USAGE, file=stdout)
        return 0
    if len(argv) != 1:
        print(USAGE, file=stderr)
        return 2
    path = argv[0]
    name = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            text = stdin.read().removeprefix("\ufeff")
        else:
            # utf-8-sig: files saved by Windows editors often start with a byte-order mark.
            with open(path, encoding="utf-8-sig") as fh:
                text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{name}: cannot read: {getattr(exc, 'strerror', None) or exc}", file=stderr)
        return 2
    try:
        result = solve(json.loads(text))
    except json.JSONDecodeError as exc:
        print(f"{name}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}", file=stderr)
        return 2
    except RecursionError:
        print(f"{name}: invalid JSON: nested too deeply", file=stderr)
        return 2
    except InstanceError as exc:
        print(f"{name}: {exc}", file=stderr)
        return 2
    # Render fully before writing so that nothing reaches stdout unless it all succeeded.
    stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0
