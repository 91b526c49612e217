"""`python -m loadtest` (make loadtest): the app under gunicorn, loaded by 20 logged-in users, then again during an
import. Loopback only, bounded in time; prints requests/s and p50/p95/p99 per page kind (docs/performance.md).

    python -m loadtest [--users 20] [--seconds 60] [--workers 3] [--sqlite]

PostgreSQL (database `kandidaten_load` on 127.0.0.1:5432) when it answers, else a SQLite file in
loadtest/.data. The national demo (250,000 clients, ~1,000,000 items) is loaded once and kept.
"""

import argparse
import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "loadtest" / ".data"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgres://postgres@127.0.0.1:5432/kandidaten_load"
TARGET_P95_MS = {"zonder import": 1000, "tijdens import": 2000}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--sqlite", action="store_true", help="ook als PostgreSQL antwoordt")
    args = parser.parse_args(argv)
    DATA.mkdir(parents=True, exist_ok=True)
    env = _environment(use_postgres=not args.sqlite and _postgres_answers())
    print(f"Database: {env['DATABASE_URL']}", flush=True)
    accounts = DATA / "accounts.json"
    _run([sys.executable, "-m", "loadtest.setup", str(accounts)], env)
    variants = _import_variants(env)
    port = _free_port()
    results = {}
    with _server(env, port, args.workers):
        env_locust = {**env, "LOADTEST_ACCOUNTS": str(accounts)}
        results["zonder import"] = _locust(env_locust, port, args, "zonder-import")
        with _importing(env, variants) as imports:
            results["tijdens import"] = _locust(env_locust, port, args, "tijdens-import")
        print(f"Imports tijdens de tweede ronde: {len(imports)} ({', '.join(f'{s:.1f} s' for s in imports)})")
    return _report(results, env, args)


def _postgres_answers():
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = 'kandidaten_load'").fetchone()
            if not exists:
                connection.execute("CREATE DATABASE kandidaten_load")
        return True
    except Exception:
        return False


def _environment(use_postgres):
    """Production settings on loopback: DEBUG off, persistent connections, no HTTPS redirect (no TLS here)."""
    return {
        **os.environ,
        "DATABASE_URL": PG_URL if use_postgres else f"sqlite:///{DATA / 'load.sqlite3'}",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_CONN_MAX_AGE": "60",
        "MEDIA_ROOT": str(DATA / "media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def _run(command, env, **kwargs):
    subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _server(env, port, workers):
    """gunicorn (the production server, `make serve`) on 127.0.0.1 only."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "config.wsgi:application", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        _wait_for(port)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for(port, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn antwoordt niet op poort {port}")


def _locust(env, port, args, label):
    """One round; returns the samples [(page kind, ms, failed)] and the round's length in seconds."""
    samples = DATA / f"{label}.json"
    locust = Path(sys.executable).with_name("locust")
    started = time.monotonic()
    # Exit code 1 only says some requests failed: the report counts them.
    subprocess.run([str(locust), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless", "-u", str(args.users),
                    "-r", str(max(1, args.users // 4)), "-t", f"{args.seconds}s", "--host", f"http://127.0.0.1:{port}",
                    "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"],
                   cwd=ROOT, env={**env, "LOADTEST_SAMPLES": str(samples)}, check=False,
                   stdout=subprocess.DEVNULL, stderr=open(DATA / f"{label}.log", "w"))
    return json.loads(samples.read_text(encoding="utf-8")), time.monotonic() - started


def _import_variants(env):
    """Two versions of the national client export that differ in one in ten rows: importing them in turn makes
    every import change ~25,000 clients (a heavy weekly import)."""
    first, second = DATA / "kandidaten-a.csv", DATA / "kandidaten-b.csv"
    if not second.exists():
        _run([sys.executable, "-m", "loadtest.variants", str(first), str(second)], env)
    return [first, second]


@contextlib.contextmanager
def _importing(env, variants):
    """Imports one variant after the other (command line, as a scheduled load) until the block ends."""
    stop = threading.Event()
    durations = []

    def loop():
        while not stop.is_set():
            path = variants[len(durations) % 2]
            started = time.monotonic()
            subprocess.run([sys.executable, "manage.py", "importeer", str(path), "--skip-invalid", "--confirm-gone"],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False)
            durations.append(time.monotonic() - started)

    worker = threading.Thread(target=loop, daemon=True)
    worker.start()
    time.sleep(3)  # the import has started (read and planned) before the users come
    try:
        yield durations
    finally:
        stop.set()
        worker.join(timeout=600)


def _percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def _row(ronde, kind, samples, seconds):
    times = sorted(ms for _name, ms, _failed, _ended in samples)
    errors = sum(1 for _name, _ms, failed, _ended in samples if failed)
    p95 = _percentile(times, 0.95)
    line = (f"| {ronde} | {kind} | {len(times)} | {errors} | {len(times) / seconds:.1f} | "
            f"{statistics.median(times):.0f} | {p95:.0f} | {_percentile(times, 0.99):.0f} |")
    return line, errors, p95


def _arrival_seconds(args):
    """How long the users take to arrive and log in (locust starts `users // 4` a second), and 5 s more."""
    return args.users // max(1, args.users // 4) + 5


def _report(results, env, args):
    from bench.__main__ import machine_description

    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"\nMachine: {machine_description()}; {database}; gunicorn {args.workers} workers; {args.users} "
          f"gebruikers; {args.seconds} s per ronde\n")
    print("| ronde | paginasoort | verzoeken | fouten | verzoeken/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|---|---|")
    met = True
    arrival = _arrival_seconds(args)
    p95s = {}  # (round, "all" | "steady") -> p95 ms
    for ronde, (samples, seconds) in results.items():
        pages = [sample for sample in samples if sample[0] != "inloggen"]  # logging in is not a page kind
        for kind in sorted({name for name, *_ in samples}):
            print(_row(ronde, kind, [s for s in samples if s[0] == kind], seconds)[0])
        line, errors, p95s[ronde, "all"] = _row(ronde, "**alle pagina's**", pages, seconds)
        print(line)
        start = min(ended for *_, ended in samples)
        steady = [sample for sample in pages if sample[3] - start >= arrival]
        line, _errors, p95s[ronde, "steady"] = _row(
            ronde, f"alle pagina's na de eerste {arrival} s (iedereen ingelogd)", steady, seconds - arrival)
        print(line)
        met &= errors == 0 and p95s[ronde, "all"] <= TARGET_P95_MS[ronde]
    print("\nDoelen: 0 fouten; p95 ≤ 1 s zonder import en ≤ 2 s tijdens een import:",
          "gehaald" if met else "NIET GEHAALD")
    if "tijdens import" in results:
        # Issue #14: on PostgreSQL, p95 during an import at most twice its p95 without.
        ratios = {part: p95s["tijdens import", part] / max(p95s["zonder import", part], 1)
                  for part in ("all", "steady")}
        within = all(ratio <= 2.0 for ratio in ratios.values())
        print(f"p95 tijdens / zonder import ≤ 2×: alle pagina's {ratios['all']:.1f}×, na het inloggen "
              f"{ratios['steady']:.1f}×:", "gehaald" if within else "NIET GEHAALD")
        met &= within or database != "PostgreSQL"  # SQLite's target is the 2 s above (one writer at a time)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
