"""Benchmark of the micro-learning catalogue: 1,000 generated modules, server time of GET /learn.

Run: `python bench/bench_learn.py [--modules 1000] [--runs 200]`. Prints figures; the target is a
median under 50 ms for /learn with a warm cache. Uses a temporary SQLite database and content dir.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.competencies import CRISIS_COMPETENCY_CODES  # noqa: E402
from app.extensions import db  # noqa: E402

COMPETENCIES = list(CRISIS_COMPETENCY_CODES)
FUNCTIONS = ["OL", "BA", "AC-IM", "LCOPI", "BO", "OVD-IM", "CACO", "BGM"]
TAGS = ["GRIP", "scenario", "LCMS", "BOB", "communicatie", "nafase", "leiderschap", "partners", "brand", "water"]
WORDS = ("crisis team beeld oordeel besluit informatie partner burgemeester scenario gevaar ontruiming "
         "communicatie verwanten slachtoffers netwerk leiding afstemming prioriteit dilemma kritiek").split()


def generate(root: Path, count: int, rng: random.Random) -> None:
    for n in range(count):
        folder = root / f"deel-{n % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        paragraphs = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(6))
        table = "| Wat | Wie |\n| --- | --- |\n| Beeld | IM |\n| Besluit | BT |\n"
        (folder / f"module-{n:04d}.md").write_text(
            f"---\ntitle: Module {n:04d} over {rng.choice(WORDS)}\n"
            f"summary: Samenvatting van module {n} over {rng.choice(WORDS)} en {rng.choice(WORDS)}.\n"
            f"competencies: [{rng.choice(COMPETENCIES)}]\n"
            f"functions: [{', '.join(rng.sample(FUNCTIONS, 2))}]\n"
            f"level: {rng.choice(['basis', 'gevorderd'])}\nminutes: {rng.randint(2, 6)}\n"
            f"tags: [{', '.join(rng.sample(TAGS, 2))}]\n---\n"
            f"## Inleiding\n\n{paragraphs}\n\n{table}\n- punt een\n- punt twee\n", encoding="utf-8")


def timed(client, path, runs, headers=None) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, headers=headers or {})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def report(label, times) -> float:
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    median = statistics.median(ordered)
    print(f"{label:<52} median {median:6.1f} ms   p95 {p95:6.1f} ms   (n={len(times)})")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        content, quizzes = tmp / "content", tmp / "quizzes"
        quizzes.mkdir()
        start = time.perf_counter()
        generate(content, args.modules, rng)
        print(f"generated {args.modules} modules in {time.perf_counter() - start:.1f} s")
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'b.db'}",
                          "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "CONTENT_DIR": str(content),
                          "QUIZ_DIR": str(quizzes)})
        with app.app_context():
            from app.auth.passwords import hash_password
            from app.content.catalogue import get_catalogue
            from app.models import Competency, Function, Region, User, UserFunction, UserRole
            db.create_all()
            region = Region(code="bench", name="Bench")
            db.session.add(region)
            db.session.flush()
            for code in COMPETENCIES:
                db.session.add(Competency(region_id=region.id, code=code, name=code.replace("-", " ").capitalize()))
            functions = {code: Function(region_id=region.id, code=code, name=code) for code in FUNCTIONS}
            db.session.add_all(functions.values())
            user = User(email="ol@bench.nl", name="OL", region=region, password_hash=hash_password("bench-pass"))
            user.role_rows = [UserRole(role="functionary")]
            user.function_rows = [UserFunction(function=functions["OL"])]
            db.session.add(user)
            db.session.commit()

            start = time.perf_counter()
            catalogue = get_catalogue(force=True)
            print(f"cold load (parse + validate {len(catalogue.modules)} modules): "
                  f"{(time.perf_counter() - start) * 1000:.0f} ms; problems: {len(catalogue.problems)}")

        client = app.test_client()
        assert client.post("/login", data={"email": "ol@bench.nl", "password": "bench-pass"}).status_code == 302
        timed(client, "/learn", 10)  # warm templates and the catalogue
        median = report("GET /learn (warm cache)", timed(client, "/learn", args.runs))
        report("GET /learn?competency=nafase&level=basis", timed(client, "/learn?competency=nafase&level=basis", args.runs))
        report("GET /learn?q=module 12 (search)", timed(client, "/learn?q=module%2012", args.runs))
        report("GET /learn?tag=GRIP (htmx fragment)", timed(client, "/learn?tag=GRIP", args.runs, {"HX-Request": "true"}))
        report("GET /learn/<slug> (rendered once, then cached)", timed(client, "/learn/module-0001", args.runs))
        app.config["CONTENT_RECHECK_SECONDS"] = 0
        report("GET /learn, stat all files on every request", timed(client, "/learn", args.runs // 2))
        app.config["CONTENT_RECHECK_SECONDS"] = 2.0
        app.config["LEARN_PAGE_SIZE"] = 100_000
        report(f"GET /learn listing all {args.modules} on one page", timed(client, "/learn", args.runs // 4))
        print(f"\ntarget: /learn under 50 ms with {args.modules} modules -> "
              f"{'met' if median < 50 else 'NOT met'} ({median:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
