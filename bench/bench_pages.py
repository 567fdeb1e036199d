"""Page weight, server time under load, and memory per worker, against gunicorn on PostgreSQL.

Prints figures; asserts nothing. Usage: python bench/bench_pages.py [--users 20,100] [--seconds 15]
Uses DATABASE_URL if set, else a database `paraat_bench` on 127.0.0.1:5432 (created if missing),
else falls back to SQLite (said in the output).

Every user logs in before the clock starts (one argon2 hash each). Four servers run side by side under
the same gunicorn settings and take turns in short rounds, so a machine that gets busier or quieter
during the run affects all alike:
- Paraat's pages (the start, a module and a quiz page in turn);
- Paraat's empty page: a logged-in page without data of its own (/toegankelijkheid), what every page
  costs before its content;
- the stack floor (bench/floor_app.py): the least a logged-in page costs on the stack Paraat is built
  on (Flask, Flask-Login over Flask-SQLAlchemy, a Flask-WTF CSRF token, a Jinja layout);
- a bare Flask "hello", the reference.
Each prints its throughput as a share of hello's (Paraat's pages: target >= 25 %).

On a shared machine throughput follows the load of others; the CPU time a request costs does much
less. So each round also reads the CPU time (user + system, from /proc) that the gunicorn workers,
their PostgreSQL backends and this script (the simulated users) spent, and prints it per request.
Memory per worker is printed as RSS, PSS and USS; PSS is the figure held against the 60 MB aim.
"""
import argparse
import gzip
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pg import ensure_database  # noqa: E402

VENV_BIN = Path(sys.executable).parent
EMAIL, PASSWORD = "functionaris@demo.paraat.nl", "paraat-demo"
WORKERS = 2
GUNICORN = ["-c", str(ROOT / "deploy" / "gunicorn.conf.py")]  # production settings, for Paraat and hello alike


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TICK = os.sysconf("SC_CLK_TCK")
APPLICATION_NAME = f"paraat-bench-{os.getpid()}"  # tells this run's PostgreSQL backends from others'


def cpu_seconds(pids) -> dict[str, float]:
    """user + system CPU seconds of each process so far (a process gone since is left out)."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / TICK
    return found


def workers(master: subprocess.Popen) -> list[str]:
    return subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()


def named(url: str, suffix: str) -> str:
    """The database URL with an application name of this run and server, to tell their backends apart."""
    if not url.startswith("postgresql"):
        return url
    from sqlalchemy.engine import make_url
    return make_url(url).update_query_dict({"application_name": f"{APPLICATION_NAME}-{suffix}"}).render_as_string(
        hide_password=False)


def backends(url: str) -> list[str]:
    """PostgreSQL backend processes of the server whose URL this is (empty on SQLite or without a URL)."""
    if not url.startswith("postgresql"):
        return []
    import psycopg
    from sqlalchemy.engine import make_url
    parsed = make_url(url)
    plain = parsed.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        return [str(pid) for (pid,) in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (parsed.query["application_name"],))]


class CpuMeter:
    """CPU seconds spent between start() and stop() by a server's workers, its database backends and
    this process (the client threads)."""

    def __init__(self, master: subprocess.Popen, url: str = ""):
        self.master, self.url = master, url
        self.workers = self.database = self.client = 0.0

    def start(self):
        self._workers, self._database = cpu_seconds(workers(self.master)), cpu_seconds(backends(self.url))
        self._client = time.process_time()

    def stop(self):
        self.client += time.process_time() - self._client
        for now, before, attr in ((cpu_seconds(workers(self.master)), self._workers, "workers"),
                                  (cpu_seconds(backends(self.url)), self._database, "database")):
            setattr(self, attr, getattr(self, attr) + sum(t - before.get(pid, 0.0) for pid, t in now.items()))


def database_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    url = ensure_database("paraat_bench")
    if url is None:
        print("Measuring on SQLite instead")
        return f"sqlite:///{ROOT / 'instance' / 'bench.db'}"
    return url


def start_gunicorn(target: str, port: int, env: dict, ready_path: str = "/healthz") -> subprocess.Popen:
    proc = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-w", str(WORKERS), *GUNICORN, "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", target], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=1)
            return proc
        except Exception:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"gunicorn {target} did not start")


def opener_logged_in(base: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": EMAIL, "password": PASSWORD}).encode()
    opener.open(f"{base}/login", data=data).read()
    return opener


def opener_floor(base: str):
    """Logged in to the stack floor (its /login logs the first user in at once)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    opener.open(f"{base}/login").read()
    if b'name="csrf_token"' not in opener.open(f"{base}/").read():
        raise SystemExit("the stack floor's page did not render for a logged-in user")
    return opener


def pages(base: str, opener) -> dict[str, str]:
    """The start page, a module page and a quiz page (the first ones the catalogue links to)."""
    found = {"start": "/"}
    try:
        catalogue = opener.open(f"{base}/learn").read().decode()
        module = re.search(r'href="(/learn/(?!media)[^"?#]+)"', catalogue)
        if module:
            found["module"] = module.group(1)
            body = opener.open(base + found["module"]).read().decode()
            quiz = re.search(r'href="(/quizzes/[^"?#/]+)"', body)
            if quiz:
                found["quiz"] = quiz.group(1)
    except Exception as exc:
        print(f"(no module/quiz pages: {exc})")
    return found


def weight(base: str, opener, path: str) -> tuple[int, int]:
    """Bytes of the HTML and its own CSS and JS, uncompressed and as sent compressed."""
    def fetch(url):
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        response = opener.open(request)
        raw = response.read()
        body = gzip.decompress(raw) if response.headers.get("Content-Encoding") == "gzip" else raw
        return body, len(raw)
    html, sent = fetch(base + path)
    total_raw, total_sent = len(html), sent
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+\.(?:css|js)[^"]*)"', html.decode()):
        body, sent = fetch(base + asset.replace("&amp;", "&"))
        total_raw += len(body)
        total_sent += sent
    return total_raw, total_sent


def load(base: str, paths: list[str], openers: list, seconds: float) -> tuple[list, list, int]:
    """One thread per (already logged-in) opener requests the paths round-robin; the clock starts when
    every thread is ready. Returns client ms, server ms and the request count."""
    client_ms, server_ms, lock = [], [], threading.Lock()
    ready = threading.Barrier(len(openers) + 1)
    window = {}

    def worker(opener, offset):
        i = offset
        ready.wait()
        while time.perf_counter() < window["end"]:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            response = opener.open(base + path)
            response.read()
            took = (time.perf_counter() - started) * 1000
            timing = re.search(r"dur=([\d.]+)", response.headers.get("Server-Timing", ""))
            with lock:
                client_ms.append(took)
                if timing:
                    server_ms.append(float(timing.group(1)))

    threads = [threading.Thread(target=worker, args=(opener, n)) for n, opener in enumerate(openers)]
    for t in threads:
        t.start()
    window["end"] = time.perf_counter() + seconds
    ready.wait()
    for t in threads:
        t.join()
    return client_ms, server_ms, len(client_ms)


def memory_mb(master: subprocess.Popen) -> list[tuple[float, float, float]]:
    """(RSS, PSS, USS) per worker: RSS counts pages shared with the master and the other workers in
    full, PSS counts a share of them, USS only the worker's own pages (what one more worker costs)."""
    sizes = []
    for pid in workers(master):
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()

        def kb(field):
            return int(re.search(rf"^{field}:\s+(\d+)", rollup, re.M).group(1)) / 1024
        sizes.append((kb("Rss"), kb("Pss"), kb("Private_Clean") + kb("Private_Dirty")))
    return sizes


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


@dataclass
class Server:
    """One side of the comparison: where it runs, what its users request, and what it all cost."""
    name: str
    base: str
    paths: list
    openers: list
    meter: CpuMeter
    client_ms: list = field(default_factory=list)
    server_ms: list = field(default_factory=list)
    count: int = 0

    def round(self, seconds: float):
        self.meter.start()
        client, server, count = load(self.base, self.paths, self.openers, seconds)
        self.meter.stop()
        self.client_ms += client
        self.server_ms += server
        self.count += count

    def cpu_ms(self, seconds_spent: float) -> float:
        return 1000 * seconds_spent / max(self.count, 1)


def run(label, servers: list[Server], seconds, rounds=5):
    """The servers (hello last, the reference) take turns in `rounds` short rounds; prints each one's
    throughput, its share of hello's and its CPU time per request."""
    for _ in range(rounds):
        for server in servers:
            server.round(seconds / rounds)
    hello = servers[-1]
    print(f"\nload: {label}, {seconds:.0f} s each in {rounds} alternating rounds, gunicorn {WORKERS} workers")
    print(f"  {'':18s} {'req/s':>7s} {'of hello':>8s}   {'server ms: median':>17s} {'p95':>5s}   "
          f"{'client ms: median':>17s} {'p95':>6s}   CPU ms per request: workers + database; clients")
    for server in servers:
        timing = (f"{statistics.median(server.server_ms):17.1f} {pct(server.server_ms, .95):5.1f}"
                  if server.server_ms else f"{'':17s} {'':5s}")
        print(f"  {server.name:18s} {server.count / seconds:7.1f} {100 * server.count / max(hello.count, 1):7.0f} %"
              f"   {timing}   {statistics.median(server.client_ms):17.1f} {pct(server.client_ms, .95):6.1f}   "
              f"{server.cpu_ms(server.meter.workers):.2f} + {server.cpu_ms(server.meter.database):.2f}; "
              f"{server.cpu_ms(server.meter.client):.2f}")
    pages, floor = servers[0], servers[-2]
    share, floor_share = pages.count / max(hello.count, 1), floor.count / max(hello.count, 1)
    print(f"  Paraat's pages reach {100 * share:.0f} % of hello's throughput ({1 / max(share, 1e-9):.1f}x its cost"
          f" per request; target >= 25 %, i.e. 4x or better). The stack floor alone reaches {100 * floor_share:.0f} %:"
          f" the target leaves a page {floor_share / 0.25:.2f}x the cost of the floor, Paraat's pages take"
          f" {floor_share / max(share, 1e-9):.1f}x.")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="20,100", help="comma-separated numbers of concurrent users")
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    url = database_url()
    env = dict(os.environ, DATABASE_URL=named(url, "paraat"), LOGIN_RATE_LIMIT="10000 per minute",
               APP_ENV="development", FLASK_APP="wsgi")
    print(f"database: {url.split('@')[-1].split('?')[0]}")
    subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", "demo", "seed"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    masters = {}
    try:
        for name, target, database, ready in (("paraat", "app:create_app()", "paraat", "/healthz"),
                                              ("floor", "bench.floor_app:app", "floor", "/healthz"),
                                              ("hello", "bench.hello_app:app", "", "/")):
            port = free_port()
            masters[name] = (start_gunicorn(target, port, dict(env, DATABASE_URL=named(url, database)), ready),
                             f"http://127.0.0.1:{port}", named(url, database) if database else "")
        base, floor_base, hello_base = (masters[name][1] for name in ("paraat", "floor", "hello"))
        opener = opener_logged_in(base)
        targets = pages(base, opener)
        print("\npage weight (HTML + own CSS + JS; gzip as sent)  aim < 50 KB")
        for name, path in targets.items():
            raw, sent = weight(base, opener, path)
            print(f"  {name:7s} {path:45s} {raw / 1024:7.1f} KB raw  {sent / 1024:6.1f} KB sent")
        meter = lambda name: CpuMeter(masters[name][0], masters[name][2])  # noqa: E731
        for users in (int(n) for n in args.users.split(",")):
            with ThreadPoolExecutor(max_workers=8) as pool:  # logged in before the clock starts
                openers = list(pool.map(opener_logged_in, [base] * users))
                floor_openers = list(pool.map(opener_floor, [floor_base] * users))
            run(f"{users} concurrent logged-in users", [
                Server("paraat pages", base, list(targets.values()), openers, meter("paraat")),
                Server("paraat empty page", base, ["/toegankelijkheid"], openers, meter("paraat")),
                Server("stack floor", floor_base, ["/"], floor_openers, meter("floor")),
                Server("bare hello", hello_base, ["/"], [urllib.request.build_opener() for _ in range(users)],
                       meter("hello"))], args.seconds)
        print("\nmemory per worker after the load, MB: RSS / PSS / USS")
        print("  (RSS counts every page shared with the master and the other workers in full; PSS counts its share"
              " of them, the figure held against the 60 MB aim; USS only the worker's own pages, what one more"
              " worker costs)")
        for name, (master, _, _) in masters.items():
            print(f"  {name:7s} " + ";  ".join(f"{r:.0f} / {p:.0f} / {u:.0f}" for r, p, u in memory_mb(master)))
    finally:
        for master, _, _ in masters.values():
            master.terminate()
            master.wait(timeout=10)


if __name__ == "__main__":
    main()
