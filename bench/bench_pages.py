"""Page weight, server time under load, and memory per worker, against gunicorn on PostgreSQL.

Prints figures; asserts nothing. Usage: python bench/bench_pages.py [--users 20] [--seconds 15]
Uses DATABASE_URL if set, else a database `paraat_bench` on 127.0.0.1:5432 (created if missing),
else falls back to SQLite (said in the output).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pg import ensure_database  # noqa: E402

VENV_BIN = Path(sys.executable).parent
EMAIL, PASSWORD = "functionaris@demo.paraat.nl", "paraat-demo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    url = ensure_database("paraat_bench")
    if url is None:
        print("Measuring on SQLite instead")
        return f"sqlite:///{ROOT / 'instance' / 'bench.db'}"
    return url


def start_gunicorn(target: str, port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level",
                             "warning", target], cwd=ROOT, env=env)
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


def load(base: str, paths: list[str], users: int, seconds: float, login: bool) -> tuple[list, list, int]:
    """`users` threads request the paths round-robin; returns client ms, server ms, request count."""
    client_ms, server_ms, lock = [], [], threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        opener = opener_logged_in(base) if login else urllib.request.build_opener()
        i = 0
        while time.perf_counter() < deadline:
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

    threads = [threading.Thread(target=worker) for _ in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return client_ms, server_ms, len(client_ms)


def rss_mb(master: subprocess.Popen) -> list[float]:
    children = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    env = dict(os.environ, DATABASE_URL=database_url(), LOGIN_RATE_LIMIT="10000 per minute",
               APP_ENV="development", FLASK_APP="wsgi")
    print(f"database: {env['DATABASE_URL'].split('@')[-1]}")
    subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", "demo", "seed"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    port, hello_port = free_port(), free_port()
    paraat = start_gunicorn("app:create_app()", port, env)
    hello = start_gunicorn("bench.hello_app:app", hello_port, env)
    try:
        base = f"http://127.0.0.1:{port}"
        opener = opener_logged_in(base)
        targets = pages(base, opener)
        print("\npage weight (HTML + own CSS + JS; gzip as sent)  aim < 50 KB")
        for name, path in targets.items():
            raw, sent = weight(base, opener, path)
            print(f"  {name:7s} {path:45s} {raw / 1024:7.1f} KB raw  {sent / 1024:6.1f} KB sent")
        print(f"\nload: {args.users} concurrent users for {args.seconds:.0f} s, gunicorn 2 workers")
        client, server, count = load(base, list(targets.values()), args.users, args.seconds, login=True)
        print(f"  paraat pages  {count / args.seconds:7.1f} req/s   server median {statistics.median(server):6.1f} ms"
              f"  p95 {pct(server, .95):6.1f} ms   client median {statistics.median(client):6.1f} ms"
              f"  p95 {pct(client, .95):6.1f} ms")
        hello_client, _, hello_count = load(f"http://127.0.0.1:{hello_port}", ["/"], args.users, args.seconds,
                                            login=False)
        print(f"  bare hello    {hello_count / args.seconds:7.1f} req/s   client median "
              f"{statistics.median(hello_client):6.1f} ms  p95 {pct(hello_client, .95):6.1f} ms")
        print(f"  ratio hello/paraat throughput: {hello_count / max(count, 1):.1f}x")
        print(f"\nmemory per worker (RSS): paraat {', '.join(f'{m:.0f} MB' for m in rss_mb(paraat))};"
              f" hello {', '.join(f'{m:.0f} MB' for m in rss_mb(hello))}")
    finally:
        for proc in (paraat, hello):
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
