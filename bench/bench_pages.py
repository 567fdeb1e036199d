"""Page weight, server time under load, and memory per worker, against gunicorn on PostgreSQL.

Prints figures; asserts nothing. Usage: python bench/bench_pages.py [--users 20,100] [--seconds 15]
Uses DATABASE_URL if set, else a database `paraat_bench` on 127.0.0.1:5432 (created if missing),
else falls back to SQLite (said in the output).

Every user logs in before the clock starts (one argon2 hash each). Paraat and the bare Flask "hello"
run side by side under the same gunicorn settings and take turns in short rounds, so a machine that
gets busier or quieter during the run affects both alike; the ratio is printed as Paraat's share of
hello's throughput (target >= 25 %).

On a shared machine throughput follows the load of others; the CPU time a request costs does much
less. So each round also reads the CPU time (user + system, from /proc) that the gunicorn workers,
Paraat's PostgreSQL backends and this script (the simulated users) spent, and prints it per request.
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


def backends(url: str) -> list[str]:
    """PostgreSQL backend processes serving this run's gunicorn (empty on SQLite)."""
    if not url.startswith("postgresql"):
        return []
    import psycopg
    from sqlalchemy.engine import make_url
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        return [str(pid) for (pid,) in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (APPLICATION_NAME,))]


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


def start_gunicorn(target: str, port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-w", str(WORKERS), *GUNICORN, "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", target], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz" if "create_app" in target
                                   else f"http://127.0.0.1:{port}/", timeout=1)
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


def run(label, base, paths, openers, hello_base, hello_openers, seconds, meters, rounds=5):
    """Paraat and hello take turns in `rounds` short rounds; prints both and Paraat's share."""
    client, server, count, hello_client, hello_count = [], [], 0, [], 0
    paraat_cpu, hello_cpu = meters
    for _ in range(rounds):
        paraat_cpu.start()
        c, s, n = load(base, paths, openers, seconds / rounds)
        paraat_cpu.stop()
        client, server, count = client + c, server + s, count + n
        hello_cpu.start()
        c, _, n = load(hello_base, ["/"], hello_openers, seconds / rounds)
        hello_cpu.stop()
        hello_client, hello_count = hello_client + c, hello_count + n
    print(f"\nload: {label}, {seconds:.0f} s each in {rounds} alternating rounds, gunicorn {WORKERS} workers")
    print(f"  paraat pages  {count / seconds:7.1f} req/s   server median {statistics.median(server):6.1f} ms"
          f"  p95 {pct(server, .95):6.1f} ms   client median {statistics.median(client):6.1f} ms"
          f"  p95 {pct(client, .95):6.1f} ms")
    print(f"  bare hello    {hello_count / seconds:7.1f} req/s   client median "
          f"{statistics.median(hello_client):6.1f} ms  p95 {pct(hello_client, .95):6.1f} ms")
    share = count / max(hello_count, 1)
    print(f"  Paraat's pages reach {100 * share:.0f} % of hello's throughput ({1 / max(share, 1e-9):.1f}x its cost"
          f" per request; target >= 25 %, i.e. 4x or better)")
    ms = lambda seconds_spent, n: 1000 * seconds_spent / max(n, 1)  # noqa: E731
    paraat_server = ms(paraat_cpu.workers + paraat_cpu.database, count)
    hello_server = ms(hello_cpu.workers, hello_count)
    print(f"  CPU per request, ms: paraat workers {ms(paraat_cpu.workers, count):.2f} + database "
          f"{ms(paraat_cpu.database, count):.2f}; hello workers {hello_server:.2f}; clients (this script) "
          f"{ms(paraat_cpu.client, count):.2f} / {ms(hello_cpu.client, hello_count):.2f}")
    print(f"  by CPU: a page costs {paraat_server / max(hello_server, 1e-9):.1f}x a bare route on the server, "
          f"{(paraat_server + ms(paraat_cpu.client, count)) / max(hello_server + ms(hello_cpu.client, hello_count), 1e-9):.1f}x "
          f"counting the clients")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="20,100", help="comma-separated numbers of concurrent users")
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    url = database_url()
    if url.startswith("postgresql"):
        from sqlalchemy.engine import make_url
        url = make_url(url).update_query_dict({"application_name": APPLICATION_NAME}).render_as_string(
            hide_password=False)
    env = dict(os.environ, DATABASE_URL=url, LOGIN_RATE_LIMIT="10000 per minute",
               APP_ENV="development", FLASK_APP="wsgi")
    print(f"database: {env['DATABASE_URL'].split('@')[-1].split('?')[0]}")
    subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", "demo", "seed"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    port, hello_port = free_port(), free_port()
    paraat = start_gunicorn("app:create_app()", port, env)
    hello = start_gunicorn("bench.hello_app:app", hello_port, env)
    try:
        base, hello_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{hello_port}"
        opener = opener_logged_in(base)
        targets = pages(base, opener)
        print("\npage weight (HTML + own CSS + JS; gzip as sent)  aim < 50 KB")
        for name, path in targets.items():
            raw, sent = weight(base, opener, path)
            print(f"  {name:7s} {path:45s} {raw / 1024:7.1f} KB raw  {sent / 1024:6.1f} KB sent")
        for users in (int(n) for n in args.users.split(",")):
            with ThreadPoolExecutor(max_workers=8) as pool:  # logged in before the clock starts
                openers = list(pool.map(opener_logged_in, [base] * users))
            run(f"{users} concurrent logged-in users", base, list(targets.values()), openers,
                hello_base, [urllib.request.build_opener() for _ in range(users)], args.seconds,
                (CpuMeter(paraat, url), CpuMeter(hello)))
        print("\nmemory per worker after the load, MB: RSS / PSS / USS")
        print("  (RSS counts every page shared with the master and the other workers in full; PSS counts its share"
              " of them, the figure held against the 60 MB aim; USS only the worker's own pages, what one more"
              " worker costs)")
        for name, master in (("paraat", paraat), ("hello", hello)):
            print(f"  {name:7s} " + ";  ".join(f"{r:.0f} / {p:.0f} / {u:.0f}" for r, p, u in memory_mb(master)))
    finally:
        for proc in (paraat, hello):
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
