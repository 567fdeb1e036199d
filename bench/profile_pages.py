"""Where the time of a page goes: cProfile (CPU time) and the database round trips of the pages that
bench_pages.py loads, served in-process to one logged-in functionary of the demo region.

Usage: python bench/profile_pages.py [--runs 50] [--top 30]   (DATABASE_URL as bench_pages.py)
Prints per page: CPU ms per request, database round trips (connection check-out ping, BEGIN, each
statement, ROLLBACK) and Python function calls; then the functions with the most CPU time, Paraat's
own code first. A request's round trips cost more than their CPU: on a busy machine every one waits
for the database process to be scheduled.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from bench.bench_pages import EMAIL, PASSWORD, database_url  # noqa: E402

PAGES = ["/", "/learn/crisiscommunicatie-basis", "/quizzes/crisiscommunicatie-basis"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    import os
    os.environ["DATABASE_URL"] = database_url()
    os.environ.setdefault("LOGIN_RATE_LIMIT", "10000 per minute")
    from app import create_app
    from app.extensions import db

    app = create_app()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD}).status_code == 302
    with app.app_context():
        engine = db.engine
    trips = []
    event.listen(engine, "before_cursor_execute", lambda *a: trips.append("statement"))
    for name in ("begin", "rollback", "commit"):
        event.listen(engine, name, lambda *a, name=name: trips.append(name))
    event.listen(engine.pool, "checkout", lambda *a: trips.append("ping"))

    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}; {args.runs} requests per page\n")
    print(f"{'page':40s} {'CPU ms':>7s} {'round trips':>12s} {'calls':>7s}")
    profile = cProfile.Profile(time.process_time)
    for path in PAGES:
        for _ in range(5):  # templates, catalogue and quiz set warm
            assert client.get(path).status_code == 200, path
        trips.clear()
        client.get(path)
        per_request = len(trips)
        single = cProfile.Profile()
        single.enable()
        client.get(path)
        single.disable()
        started = time.process_time()
        for _ in range(args.runs):
            client.get(path)
        cpu = (time.process_time() - started) * 1000 / args.runs
        profile.enable()
        for _ in range(args.runs):
            client.get(path)
        profile.disable()
        print(f"{path:40s} {cpu:7.1f} {per_request:12d} {pstats.Stats(single).total_calls:7d}")
    print("\nCPU ms without the profiler; the profile below counts CPU time too, with the profiler's own cost.")
    stats = pstats.Stats(profile)
    print(f"\n== Paraat's own functions by cumulative CPU time (top {args.top})")
    stats.sort_stats("cumulative").print_stats(str(ROOT / "app"), args.top)
    print(f"== every function by own CPU time (top {args.top})")
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
