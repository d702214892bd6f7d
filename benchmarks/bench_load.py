"""Load test of the production server (``ohsteward serve``) with locust, on PostgreSQL at city scale.

    python benchmarks/bench_load.py                        # 100,000 employers, 8 and 32 users, 40 s each
    python benchmarks/bench_load.py --seconds 30 --users 8,32 --scenarios api --write-docs

One command: it

1. builds the data when the database has no employers (``ohsteward demo --enterprises N --no-serve``:
   the register, source lists, the hazard-employer list and the demo logins), or reuses it;
2. issues an API token for the district officer ``yubei`` (渝北, 500112) and picks the pages and
   employers the scenarios ask for;
3. starts ``ohsteward serve`` on 127.0.0.1:``--port`` in production mode (a fresh secret key, no
   debug, no demo; hashed/compressed static files) with the chosen server, workers and threads;
4. runs locust headless, bounded in time, against loopback only, for each scenario (``api``: the
   scoped list API, ``list``: the list page, ``detail``: the detail page) at each user count;
5. prints a table (req/s, p50, p95, failures, the 1-minute load average before and after each
   run), stops the server, and with ``--write-docs`` appends or replaces the section
   "Production server under load" of docs/performance.md.

The machine may be shared: the load average is printed next to every figure. locust runs on the
same cores as the server (FastHttpUser, one process); its own CPU share is reported (``locust
CPU``) since it takes cycles from the server.

``--profile N`` instead times N list-API requests in process (Django test client) under cProfile
and prints the queries of one request and where the time goes.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_URL = "postgresql://postgres:postgres@127.0.0.1:5432/ohs_load"
SECTION = "## Production server under load"
USERNAME, PASSWORD = "yubei", "ohsteward-demo"  # the demo cast's 渝北 district officer
SCENARIO_TEXT = {
    "api": "list API `GET /api/v1/enterprises/?region=500112&industry_risk=serious&page=<random>` (Bearer token)",
    "list": "list page `GET /registry/enterprises/?region=500112&page=<random>` (session)",
    "detail": "detail page `GET /registry/enterprises/<credit code>/` (session, random employer in scope)",
}


def setup_django(url: str, data_dir: str) -> None:
    os.environ["OHSTEWARD_DATABASE_URL"] = url
    os.environ["OHSTEWARD_DATA_DIR"] = data_dir
    os.environ.setdefault("OHSTEWARD_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohsteward.settings")
    create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def create_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_data(n: int, env: dict) -> int:
    from ohsteward.registry.models import Enterprise

    have = Enterprise.objects.filter(registration="registered").count()
    if have == 0:
        print(f"building the data: ohsteward demo --enterprises {n} --no-serve (a few minutes) …", flush=True)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "ohsteward", "demo", "--enterprises", str(n), "--no-serve"],
            env={**env, "OHSTEWARD_DEMO": "1"},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"built in {time.perf_counter() - start:.0f} s", flush=True)
        have = Enterprise.objects.filter(registration="registered").count()
    elif have != n:
        print(
            f"note: reusing the database with {have:,} registered employers (asked for {n:,}); "
            "use a fresh --database-url to build another size",
            flush=True,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return have


def inputs(district: str, out: Path, max_users: int) -> dict:
    """Token, page counts and employer keys for the locust users."""
    from ohsteward.accounts.actions import token_create
    from ohsteward.accounts.models import User
    from ohsteward.registry.models import Enterprise

    user = User.objects.get(username=USERNAME)
    scoped = Enterprise.objects.for_user(user)
    serious = scoped.filter(region_id=district, industry_risk="serious").count()
    total = scoped.filter(region_id=district).count()
    keys = [k for k in scoped.exclude(uscc=None).values_list("uscc", flat=True).order_by("?")[:2000]]
    keys_file = out / "keys.txt"
    keys_file.write_text("\n".join(keys))
    # Logged-in sessions made here (the server shares the secret key), one per locust user: the
    # runs measure pages, not Argon2 password hashing at log-in.
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    sessions = []
    for _ in range(max_users):
        session = SessionStore()
        session.update(
            {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
        session.create()
        sessions.append(session.session_key)
    sessions_file = out / "sessions.txt"
    sessions_file.write_text("\n".join(sessions))
    return {
        "OHS_SESSIONS_FILE": str(sessions_file),
        "OHS_TOKEN": token_create(user=user, name="bench_load"),
        "OHS_USERNAME": USERNAME,
        "OHS_PASSWORD": PASSWORD,
        "OHS_DISTRICT": district,
        "OHS_PAGES": str(max(1, (serious + 49) // 50)),
        "OHS_LIST_PAGES": str(max(1, (total + 49) // 50)),
        "OHS_KEYS_FILE": str(keys_file),
        "_scoped": total,
        "_serious": serious,
    }


def start_server(args, env: dict, log: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "ohsteward",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(args.port),
        "--server",
        args.server,
    ]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    server_env = {k: v for k, v in env.items() if k != "OHSTEWARD_DEMO"}
    server_env.setdefault("OHSTEWARD_SECRET_KEY", secrets.token_urlsafe(50))
    server_env.setdefault("OHSTEWARD_FIELD_KEY", secrets.token_urlsafe(32))
    server_env.update(OHSTEWARD_SECURE_COOKIES="0", OHSTEWARD_DEBUG="0")
    process = subprocess.Popen(
        command, env=server_env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.time() + 90
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped at start (exit {process.returncode}); see {log}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/login/", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    stop_server(process)
    raise SystemExit(f"the server did not answer within 90 s; see {log}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_locust(scenario: str, users: int, seconds: int, port: int, env: dict, out: Path) -> dict:
    prefix = out / f"{scenario}-{users}"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "benchmarks" / "locust_scoped.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "5",
        "--loglevel",
        "WARNING",
    ]
    load_before = os.getloadavg()[0]
    cpu_before = os.times()
    result = subprocess.run(command, env={**env, "OHS_SCENARIO": scenario}, capture_output=True, text=True)
    cpu_after = os.times()
    load_after = os.getloadavg()[0]
    locust_cpu = (
        cpu_after.children_user
        + cpu_after.children_system
        - cpu_before.children_user
        - cpu_before.children_system
    )
    rows = {}
    stats = Path(f"{prefix}_stats.csv")
    if stats.exists():
        with stats.open() as f:
            rows = {row["Name"]: row for row in csv.DictReader(f)}
    row = rows.get(scenario)
    if row is None:
        raise SystemExit(
            f"locust gave no figures for {scenario} (exit {result.returncode}):\n{result.stderr[-2000:]}"
        )
    return {
        "scenario": scenario,
        "users": users,
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
        "load": (load_before, load_after),
        "locust_cpu": locust_cpu / seconds,
    }


def backend_cpu_ms(connection) -> float:
    """CPU time (user + system) the PostgreSQL backend of ``connection`` has used, in ms (Linux /proc;
    the database must run on this machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def profile(requests: int, district: str) -> None:
    """CPU per list-API request in process (Python and the PostgreSQL backend), by variant, and a
    cProfile of the full request. CPU time, unlike wall time, hardly depends on how busy the
    machine is: 2 cores / (CPU per request) is the throughput two free cores could give."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from ohsteward.accounts.actions import token_create
    from ohsteward.accounts.models import User
    from ohsteward.registry.api.serializers import EnterpriseSerializer
    from ohsteward.registry.models import Enterprise

    user = User.objects.get(username=USERNAME)
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='bench_profile')}", HTTP_HOST="localhost"
    )
    pages = max(1, (Enterprise.objects.for_user(user).filter(industry_risk="serious").count() + 49) // 50)
    rng = random.Random(1)
    base = f"/api/v1/enterprises/?region={district}&industry_risk=serious"

    def url() -> str:
        return f"{base}&page={rng.randint(1, pages)}"

    for _ in range(10):
        client.get(url())
    with CaptureQueriesContext(connection) as queries:
        client.get(url())
    print(f"queries of one request (count cached): {len(queries)}")
    for q in queries.captured_queries:
        print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:150]}")

    def cpu(label: str, fn, n: int = requests) -> None:
        fn()
        py0, pg0 = time.process_time(), backend_cpu_ms(connection)
        for _ in range(n):
            fn()
        py, pg = (time.process_time() - py0) * 1000 / n, (backend_cpu_ms(connection) - pg0) / n
        print(
            f"  {label:58} Python {py:6.1f} ms  PostgreSQL {pg:5.1f} ms  → {2000 / (py + pg):5.0f} req/s on 2 cores"
        )

    start = time.process_time()
    sum(i * i for i in range(1_000_000))
    reference = (time.process_time() - start) * 1000
    print(
        f"\nCPU per request, mean of {requests} (load average {os.getloadavg()[0]:.1f}; a reference loop, "
        f"sum(i * i for i in range(10**6)), took {reference:.0f} ms of CPU: CPU time stretches on a busy machine too):"
    )
    cpu("list API, random page, count cached", lambda: client.get(url()))
    with override_settings(OHSTEWARD_LIST_COUNT_CACHE_SECONDS=0):
        cpu("list API, random page, count every request", lambda: client.get(url()))
    cpu("list API, page 1", lambda: client.get(f"{base}&page=1"))
    cpu(
        "list API, page_size=1 (auth, scope, paging; no rows to speak of)",
        lambda: client.get(f"{base}&page_size=1"),
    )
    rows = list(
        Enterprise.objects.for_user(user)
        .filter(industry_risk="serious")
        .select_related("region", "town", "zone", "industry")[:50]
    )
    cpu(
        "serialising 50 employers (EnterpriseSerializer, no database)",
        lambda: EnterpriseSerializer(rows, many=True).data,
    )
    cpu(
        "  … and rendering them as JSON",
        lambda: (
            __import__("rest_framework.renderers", fromlist=["x"])
            .JSONRenderer()
            .render(EnterpriseSerializer(rows, many=True).data)
        ),
    )
    cpu(
        "loading 50 employers with their joins (ORM, no serialiser)",
        lambda: list(
            Enterprise.objects.for_user(user)
            .filter(industry_risk="serious")
            .select_related("region", "town", "zone", "industry")[1000:1050]
        ),
    )

    web = Client(HTTP_HOST="localhost")
    web.force_login(user)
    keys = list(Enterprise.objects.for_user(user).exclude(uscc=None).values_list("uscc", flat=True)[:500])
    total_pages = max(1, (Enterprise.objects.for_user(user).count() + 49) // 50)
    cpu(
        "list page /registry/enterprises/, random page (session)",
        lambda: web.get(f"/registry/enterprises/?region={district}&page={rng.randint(1, total_pages)}"),
    )
    cpu(
        "detail page /registry/enterprises/<code>/ (session)",
        lambda: web.get(f"/registry/enterprises/{rng.choice(keys)}/"),
    )

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        client.get(url())
    profiler.disable()
    print(f"\ncProfile (CPU time) of {requests} list-API requests, by own time:")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("OHSTEWARD_DATABASE_URL") or DEFAULT_URL)
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("OHSTEWARD_DATA_DIR") or str(Path(tempfile.gettempdir()) / "ohsteward-load"),
    )
    parser.add_argument(
        "--enterprises", type=int, default=100_000, help="employers to build when the database is empty"
    )
    parser.add_argument("--district", default="500112")
    parser.add_argument("--port", type=int, default=8108)
    parser.add_argument("--server", default="auto", choices=["auto", "gunicorn", "waitress"])
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (0 = the server's default)")
    parser.add_argument(
        "--threads", type=int, default=0, help="threads per worker (0 = the server's default)"
    )
    parser.add_argument("--users", default="8,32", help="concurrent users, comma-separated")
    parser.add_argument("--scenarios", default="api,list,detail")
    parser.add_argument("--seconds", type=int, default=40, help="length of each locust run")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="profile N list-API requests in process instead"
    )
    parser.add_argument(
        "--write-docs", action="store_true", help="append/replace the section in docs/performance.md"
    )
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        raise SystemExit("this benchmark runs against PostgreSQL; set --database-url")

    # one secret key for this process and the server: sessions made here are valid there
    os.environ.setdefault("OHSTEWARD_SECRET_KEY", secrets.token_urlsafe(50))
    # and one field-encryption key (ID numbers written here are read there)
    os.environ.setdefault("OHSTEWARD_FIELD_KEY", secrets.token_urlsafe(32))
    setup_django(args.database_url, args.data_dir)
    env = {**os.environ, "OHSTEWARD_DATABASE_URL": args.database_url, "OHSTEWARD_DATA_DIR": args.data_dir}
    employers = ensure_data(args.enterprises, env)
    if args.profile:
        profile(args.profile, args.district)
        return 0
    out = Path(tempfile.mkdtemp(prefix="ohsteward-load-"))
    given = inputs(args.district, out, max(int(u) for u in args.users.split(",")))
    locust_env = {**env, **{k: v for k, v in given.items() if not k.startswith("_")}}
    from django.db import connection

    connection.close()  # the server's workers get the database to themselves
    log = out / "server.log"
    server = start_server(args, env, log)
    results = []
    try:
        banner = open(log).read().strip().splitlines()
        print(banner[0] if banner else "server started", flush=True)
        for scenario in args.scenarios.split(","):
            for users in (int(u) for u in args.users.split(",")):
                r = run_locust(scenario, users, args.seconds, args.port, locust_env, out)
                results.append(r)
                print(
                    f"{scenario:7} {users:3} users  {r['rps']:7.1f} req/s  p50 {r['p50']:5.0f} ms  "
                    f"p95 {r['p95']:5.0f} ms  failures {r['failures']}  load {r['load'][0]:.1f}→{r['load'][1]:.1f}"
                    f"  locust CPU {r['locust_cpu']:.2f} cores",
                    flush=True,
                )
    finally:
        stop_server(server)
    # the server's own line ("ohsteward 正在运行 … gunicorn，N 个进程"), not the job worker's
    server_line = next((line for line in banner if "正在运行" in line), banner[0] if banner else "")
    table = format_table(results)
    print()
    print(table)
    if args.write_docs:
        write_docs(table, args, employers, given, server_line)
    return 0


def format_table(results: list[dict]) -> str:
    lines = [
        "| scenario | users | req/s | p50 ms | p95 ms | p99 ms | failures | load avg (1 min) before → after | locust CPU |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['scenario']} | {r['users']} | {r['rps']:.1f} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['p99']:.0f} | {r['failures']} of {r['requests']} | {r['load'][0]:.1f} → {r['load'][1]:.1f} | "
            f"{r['locust_cpu']:.2f} cores |"
        )
    return "\n".join(lines)


def write_docs(table: str, args, employers: int, given: dict, server_line: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0].split()[0]
    path = ROOT / "docs" / "performance.md"
    text = path.read_text()
    scenarios = "\n".join(f"- `{k}`: {v}" for k, v in SCENARIO_TEXT.items() if k in args.scenarios.split(","))
    section = f"""{SECTION}

`python benchmarks/bench_load.py --seconds {args.seconds} --users {args.users} --scenarios {args.scenarios}`
(measured {time.strftime("%Y-%m-%d %H:%M", time.gmtime())} UTC; PostgreSQL {pg_version}, Python {platform.python_version()},
{os.cpu_count()} cores; {employers:,} employers, the 渝北 district officer sees {given["_scoped"]:,} of them,
{given["_serious"]:,} in serious-risk industries). Server: {server_text(server_line)}.
locust {locust_version()} (FastHttpUser, headless, no wait between requests, loopback) runs on the
same 2 cores; the load average and locust's own CPU are next to every figure.

{scenarios}

{table}
"""
    if SECTION in text:
        start = text.index(SECTION)
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
    print(f"\nwrote {path.relative_to(ROOT)}")


def server_text(banner: str) -> str:
    """ "gunicorn, 4 worker processes × 1 thread" from the server's (Chinese) start-up line."""
    import re

    found = re.search(r"(gunicorn|waitress)，(\d+) 个进程 × (\d+) 个线程", banner)
    if not found:
        return banner
    kind, workers, threads = found.groups()
    return f"{kind}, {workers} worker process{'es' if workers != '1' else ''} × {threads} thread{'s' if threads != '1' else ''}"


def locust_version() -> str:
    from importlib.metadata import version  # importing locust here would monkey-patch this process

    return version("locust")


if __name__ == "__main__":
    raise SystemExit(main())
