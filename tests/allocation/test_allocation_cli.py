"""The allocation command line: result JSON on stdout, or one line on stderr and exit 2."""
import io
import json
import os
import pathlib
import subprocess
import sys

import pytest

from app.allocation import solve
from app.allocation.cli import main

INSTANCE = {"seed": "voorjaar-2027",
            "activities": [{"id": "A1", "date": "2027-03-11", "kind": "multi_exercise",
                            "competencies": ["leiderschap"], "seats": {"OL": 1}}],
            "people": [{"id": "P1", "function": "OL", "requests": ["A1"]},
                       {"id": "Pé", "function": "OL", "requests": ["A1"]}]}
ROOT = pathlib.Path(__file__).resolve().parents[2]


def run(argv, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, text):
    path = tmp_path / "instance.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_solves_a_file(tmp_path):
    code, out, err = run([write(tmp_path, json.dumps(INSTANCE))])
    assert (code, err) == (0, "")
    assert json.loads(out) == solve(INSTANCE)
    assert out.startswith('{\n  "assignments"')
    assert "Pé" in out                         # ensure_ascii=False


def test_reads_stdin_with_dash():
    code, out, err = run(["-"], stdin=json.dumps(INSTANCE))
    assert (code, err) == (0, "")
    assert json.loads(out) == solve(INSTANCE)


@pytest.mark.parametrize("text,message", [
    ('{"seed": "s",\n  "activities": [,]}', "instance.json:2:18: invalid JSON"),
    ("", "instance.json:1:1: invalid JSON"),
    (json.dumps(dict(INSTANCE, people=[{"id": "P1", "function": "OL", "requests": ["A9"]}])),
     "people[0].requests[0]: unknown activity 'A9'"),
    (json.dumps(dict(INSTANCE, activities=[dict(INSTANCE["activities"][0], seats={"OL": -1})])),
     "activities[0].seats.OL: must be non-negative"),
    (json.dumps(dict(INSTANCE, people=INSTANCE["people"] * 2)), "duplicate person id 'P1'"),
])
def test_bad_input_exits_2_with_one_line_and_no_stdout(tmp_path, text, message):
    code, out, err = run([write(tmp_path, text)])
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_missing_file_and_bad_usage():
    code, out, err = run(["/nonexistent/instance.json"])
    assert code == 2 and out == "" and "cannot read" in err
    code, out, err = run([])
    assert code == 2 and out == "" and "usage" in err


def test_python_dash_m_entry_point(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    ok = subprocess.run([sys.executable, "-m", "app.allocation", write(tmp_path, json.dumps(INSTANCE))],
                        capture_output=True, text=True, cwd=tmp_path, env=env)
    assert ok.returncode == 0 and json.loads(ok.stdout) == solve(INSTANCE)
    bad = subprocess.run([sys.executable, "-m", "app.allocation", "-"], input="{", capture_output=True,
                         text=True, cwd=tmp_path, env=env)
    assert bad.returncode == 2 and bad.stdout == "" and "<stdin>:1:2: invalid JSON" in bad.stderr


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(INSTANCE).encode())
    assert run([str(path)])[0] == 0
    assert run(["-"], stdin="\ufeff" + json.dumps(INSTANCE))[0] == 0


@pytest.mark.parametrize("content,message", [
    (b"[" * 100_000, "nested too deeply"),
    (b'{"seed": "\xff"}', "cannot read"),
])
def test_unusable_files_exit_2(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, out, err = run([str(path)])
    assert code == 2 and out == "" and message in err and err.count("\n") == 1
