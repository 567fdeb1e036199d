"""The hashed lock files (what `make` installs) agree with the pins in requirements*.txt.

A pin changed or added without `make lock` fails here, so a fresh machine never installs something
other than what CI tested.
"""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-r "):
            pins.update(_pins(path.parent / line[3:].strip()))
        elif match := PIN.match(line):
            pins[_name(match.group(1))] = match.group(2)
    return pins


def _locked(path: Path) -> dict[str, tuple[str, int]]:
    """Package -> (version, number of hashes) from a pip-compile --generate-hashes file."""
    locked, current = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            current = _name(match.group(1))
            locked[current] = (match.group(2), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = locked[current]
            locked[current] = (version, hashes + 1)
    return locked


@pytest.mark.parametrize("name", ["requirements", "requirements-dev", "requirements-bench"])
def test_every_pin_is_locked_at_its_version_and_every_locked_package_has_hashes(name):
    pins, locked = _pins(ROOT / f"{name}.txt"), _locked(ROOT / f"{name}.lock")
    wrong = {pkg: (version, locked.get(pkg, ("missing",))[0]) for pkg, version in pins.items()
             if locked.get(pkg, (None,))[0] != version}
    assert not wrong, f"{name}.lock disagrees with {name}.txt (run `make lock`): {wrong}"
    assert len(locked) > len(pins)  # the transitive dependencies are in the lock too
    assert all(hashes for _version, hashes in locked.values()), f"{name}.lock has a package without hashes"
