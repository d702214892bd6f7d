"""Soak run: mixed reads and writes through the real HTTP endpoints for ``--minutes``, with a
background process running, then a check that every acknowledged write is in the database once.

    python benchmarks/soak.py                                   # 30 minutes, hazard-list loop in the background
    python benchmarks/soak.py --minutes 5 --background "ohsteward worker"

Against ``--database-url`` (PostgreSQL; built with the demo data when empty, like bench_load.py) it

1. starts ``ohsteward serve`` on 127.0.0.1:``--port`` in production mode;
2. starts the background command (``--background``; default: ``ohsteward hazard-list generate``
   for this year, in a loop) and restarts it whenever it ends, until the soak ends;
3. runs client threads as the demo cast, each with its own API token, for ``--minutes``:
   - 渝北 district officer ``yubei`` ×2: create employers (``POST /api/v1/enterprises/``), edit
     them (``PATCH``), declare for them (``POST /api/v1/declarations/``: initial, then change),
     confirm hazard-list entries (``POST /api/v1/hazard-employers/{id}/confirm/``);
   - enterprise manager ``manager``: edit its own contact details, declare for itself;
   - CDC ``cdc``: intake of small exam lists (``POST /api/v1/intake/batches/``, 5–20 rows, some
     uploaded twice: the second answer must name the same batch);
   - two readers (``yubei``, ``city``): list API, detail, hazard list, declarations, list page;
   every answer is recorded; every 2xx write goes to a ledger (JSON lines) with what it created or
   changed (ids, values);
4. stops the clients, the background loop and the server, and checks the ledger against the
   database: each acknowledged create is there exactly once with its id; each edited value and
   confirmation is the last acknowledged one; no declaration, receipt number or batch is doubled;
   nothing was created by the run that was not acknowledged. It prints the figures and the check.

``--check LEDGER`` re-runs only the check on a ledger of an earlier run.
"""

from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import io
import json
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_load  # noqa: E402  (same directory: data, server start/stop)

ROOT = Path(__file__).resolve().parents[1]
DISTRICT = "500112"
IO_LOCK = threading.Lock()


class Recorder:
    """Answers (op, status, ms) and the ledger of acknowledged writes, shared by the threads."""

    def __init__(self, ledger: Path):
        self.answers: list[tuple[str, int, float]] = []
        self.ledger_path = ledger
        self.ledger = ledger.open("w")
        self.errors: list[str] = []

    def answer(self, op: str, status: int, ms: float, body: str = "") -> None:
        with IO_LOCK:
            self.answers.append((op, status, ms))
            if status >= 500 or status == 0:
                self.errors.append(f"{op}: {status} {body[:300]}")

    def write(self, **entry) -> None:
        entry["at"] = time.time()
        with IO_LOCK:
            self.ledger.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.ledger.flush()


class Client:
    def __init__(self, base: str, token: str, recorder: Recorder):
        self.base = base
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.recorder = recorder

    def call(self, op: str, method: str, path: str, **kwargs) -> requests.Response | None:
        start = time.perf_counter()
        try:
            response = self.session.request(method, self.base + path, timeout=120, **kwargs)
        except requests.RequestException as exc:
            self.recorder.answer(op, 0, (time.perf_counter() - start) * 1000, repr(exc))
            return None
        self.recorder.answer(op, response.status_code, (time.perf_counter() - start) * 1000, response.text)
        return response


# ---- the client threads -------------------------------------------------------------------------


def district_writer(
    client: Client,
    rec: Recorder,
    stop: threading.Event,
    run: str,
    number: int,
    entries: list[int],
    industries: list[str],
    pause: float,
) -> None:
    """Creates employers, edits and declares for its own ones, confirms its share of entries."""
    from ohsteward.demo.synth import make_uscc

    rng = random.Random(f"{run}-{number}")
    mine: list[str] = []  # credit codes created by this thread (only this thread edits them)
    declared: set[str] = set()
    n = 0
    while not stop.is_set():
        n += 1
        op = rng.choices(["create", "edit", "declare", "confirm"], [3, 4, 2, 2])[0]
        if op != "create" and not mine:
            op = "create"
        if op == "create":
            uscc = make_uscc(rng, DISTRICT)
            name = f"重庆浸泡测试{run}{number}号{n}有限公司"
            r = client.call(
                "create",
                "POST",
                "/api/v1/enterprises/",
                json={
                    "uscc": uscc,
                    "name": name,
                    "region": DISTRICT,
                    "industry": rng.choice(industries),
                    "employees": rng.randint(5, 500),
                    "address": f"渝北区测试路{n}号",
                },
            )
            if r is not None and r.status_code == 201:
                body = r.json()
                mine.append(body["uscc"])
                rec.write(op="create", thread=number, id=body["id"], uscc=body["uscc"], name=name)
        elif op == "edit":
            uscc = rng.choice(mine)
            phone, employees = f"023-{rng.randint(10_000_000, 99_999_999)}", rng.randint(5, 900)
            r = client.call(
                "edit",
                "PATCH",
                f"/api/v1/enterprises/{uscc}/",
                json={"contact_phone": phone, "employees": employees},
            )
            if r is not None and r.status_code == 200:
                rec.write(op="edit", thread=number, uscc=uscc, contact_phone=phone, employees=employees)
        elif op == "declare":
            uscc = rng.choice(mine)
            kind = "change" if uscc in declared else "initial"
            r = client.call(
                "declare",
                "POST",
                "/api/v1/declarations/",
                json={
                    "enterprise": uscc,
                    "kind": kind,
                    "employees": rng.randint(5, 500),
                    "principal": "张三",
                    "contact_phone": "023-67000000",
                    "remark": f"soak {run} {number}-{n}",
                    "hazards": [
                        {
                            "hazard_name": rng.choice(["噪声", "矽尘", "电焊烟尘"]),
                            "exposed_count": rng.randint(1, 50),
                        }
                    ],
                },
            )
            if r is not None and r.status_code == 201:
                body = r.json()
                declared.add(uscc)
                rec.write(
                    op="declare",
                    thread=number,
                    id=body["id"],
                    receipt_no=body["receipt_no"],
                    uscc=uscc,
                    kind=kind,
                    remark=f"soak {run} {number}-{n}",
                )
        elif op == "confirm" and entries:
            entry = rng.choice(entries)
            status, note = rng.choice(["hazards", "no_hazards"]), f"soak {run} {number}-{n}"
            r = client.call(
                "confirm",
                "POST",
                f"/api/v1/hazard-employers/{entry}/confirm/",
                json={"status": status, "note": note},
            )
            if r is not None and r.status_code == 200:
                rec.write(op="confirm", thread=number, entry=entry, status=status, note=note)
        stop.wait(pause)


def manager_writer(
    client: Client, rec: Recorder, stop: threading.Event, run: str, uscc: str, pause: float
) -> None:
    """The enterprise manager keeps its contact details up to date and declares changes."""
    rng = random.Random(f"{run}-manager")
    n = 0
    while not stop.is_set():
        n += 1
        if rng.random() < 0.7:
            name, phone = f"联系人{n}", f"139{rng.randint(10_000_000, 99_999_999)}"
            r = client.call(
                "edit (manager)",
                "PATCH",
                f"/api/v1/enterprises/{uscc}/",
                json={"contact_name": name, "contact_phone": phone},
            )
            if r is not None and r.status_code == 200:
                rec.write(op="edit", thread="manager", uscc=uscc, contact_name=name, contact_phone=phone)
        else:
            r = client.call(
                "declare (manager)",
                "POST",
                "/api/v1/declarations/",
                json={
                    "employees": rng.randint(5, 500),
                    "principal": "李四",
                    "remark": f"soak {run} manager-{n}",
                    "enterprise": uscc,
                    "kind": "change",
                    "hazards": [{"hazard_name": "噪声", "exposed_count": rng.randint(1, 50)}],
                },
            )
            if r is not None and r.status_code == 400 and "初次申报" in r.text:
                r = client.call(
                    "declare (manager)",
                    "POST",
                    "/api/v1/declarations/",
                    json={
                        "employees": 10,
                        "principal": "李四",
                        "remark": f"soak {run} manager-{n}",
                        "enterprise": uscc,
                        "kind": "initial",
                        "hazards": [{"hazard_name": "噪声", "exposed_count": 3}],
                    },
                )
            if r is not None and r.status_code == 201:
                body = r.json()
                rec.write(
                    op="declare",
                    thread="manager",
                    id=body["id"],
                    receipt_no=body["receipt_no"],
                    uscc=uscc,
                    kind=body["kind"],
                    remark=f"soak {run} manager-{n}",
                )
        stop.wait(pause)


def intake_writer(
    client: Client, rec: Recorder, stop: threading.Event, run: str, known: list[tuple[str, str]], pause: float
) -> None:
    """CDC uploads small exam lists; every fifth file is sent twice (the answer must be the same batch)."""
    rng = random.Random(f"{run}-intake")
    n = 0
    last: tuple[str, bytes, int] | None = None
    while not stop.is_set():
        n += 1
        if last is not None and n % 5 == 0:
            filename, content, rows = last
        else:
            rows = rng.randint(5, 20)
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerow(
                [
                    "用人单位名称",
                    "统一社会信用代码",
                    "所属区县",
                    "体检日期",
                    "检查类别",
                    "危害因素",
                    "体检机构",
                    "人数",
                ]
            )
            day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
            for i in range(rows):
                uscc, name = rng.choice(known)
                writer.writerow(
                    [
                        name,
                        uscc,
                        "渝北区",
                        day.isoformat(),
                        "在岗期间",
                        f"噪声({rng.randint(1, 40)})",
                        f"浸泡测试体检机构{run}",
                        100 + n * 100 + i,
                    ]
                )
            filename, content = f"soak-{run}-{n}.csv", buf.getvalue().encode("utf-8")
        r = client.call(
            "intake",
            "POST",
            "/api/v1/intake/batches/",
            data={"kind": "exam", "department": "soak"},
            files={"file": (filename, content, "text/csv")},
        )
        if r is not None and r.status_code in (200, 201):
            body = r.json()
            batch = body.get("batch") or {}
            rec.write(
                op="intake",
                thread="cdc",
                batch=batch.get("id"),
                file=filename,
                rows=rows,
                duplicate=bool(body.get("duplicate")),
                status=r.status_code,
            )
            last = (filename, content, rows)
        stop.wait(pause)


def reader(
    client: Client,
    rec: Recorder,
    stop: threading.Event,
    run: str,
    keys: list[str],
    pause: float,
    session_login: tuple[str, str] | None = None,
) -> None:
    rng = random.Random(f"{run}-reader-{id(client)}")
    web = None
    if session_login:
        web = requests.Session()
        page = web.get(client.base + "/login/", timeout=60)
        token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        web.post(
            client.base + "/login/",
            data={
                "username": session_login[0],
                "password": session_login[1],
                "csrfmiddlewaretoken": token,
                "next": "/",
            },
            headers={"Referer": client.base + "/login/"},
            timeout=60,
        )
    while not stop.is_set():
        choice = rng.choice(["list", "detail", "hazard", "declarations", "page"])
        if choice == "list":
            client.call(
                "read list API", "GET", f"/api/v1/enterprises/?region={DISTRICT}&page={rng.randint(1, 20)}"
            )
        elif choice == "detail":
            client.call("read detail API", "GET", f"/api/v1/enterprises/{rng.choice(keys)}/")
        elif choice == "hazard":
            client.call(
                "read hazard list",
                "GET",
                f"/api/v1/hazard-employers/?region={DISTRICT}&page={rng.randint(1, 5)}",
            )
        elif choice == "declarations":
            client.call("read declarations", "GET", "/api/v1/declarations/?page=1")
        elif web is not None:
            start = time.perf_counter()
            try:
                r = web.get(client.base + f"/registry/enterprises/?page={rng.randint(1, 20)}", timeout=120)
                rec.answer("read list page", r.status_code, (time.perf_counter() - start) * 1000, r.text)
            except requests.RequestException as exc:
                rec.answer("read list page", 0, (time.perf_counter() - start) * 1000, repr(exc))
        stop.wait(pause)


# ---- the background process ---------------------------------------------------------------------


def background_loop(command: str, env: dict, stop: threading.Event, log: Path, runs: list) -> None:
    with log.open("w") as out:
        while not stop.is_set():
            start = time.time()
            process = subprocess.Popen(
                shlex.split(command), env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
            stopped = False
            while process.poll() is None:
                if stop.wait(1):
                    bench_load.stop_server(process)  # SIGTERM to its group, then wait
                    stopped = True
                    break
            if not stopped:  # a run cut short by the end of the soak is not counted
                runs.append((time.time() - start, process.returncode))
            stop.wait(5)


# ---- the check ----------------------------------------------------------------------------------


def check(ledger: Path, run: str) -> tuple[bool, list[str]]:
    """Every acknowledged write is in the database, once, with the last acknowledged value."""
    from ohsteward.core.models import AuditLog
    from ohsteward.declarations.models import Declaration, HazardListEntry
    from ohsteward.intake.models import SourceBatch, SourceRow
    from ohsteward.registry.models import Enterprise

    entries = [json.loads(line) for line in ledger.read_text().splitlines() if line.strip()]
    by_op = collections.defaultdict(list)
    for e in entries:
        by_op[e["op"]].append(e)
    lines, ok = [], True

    def verdict(label: str, problems: list[str], checked: int) -> None:
        nonlocal ok
        ok = ok and not problems
        lines.append(
            f"{'OK  ' if not problems else 'FAIL'} {label}: {checked} checked, {len(problems)} problems"
        )
        lines.extend(f"       {p}" for p in problems[:10])

    # creates: there, once, same id and name; nothing of this run created without acknowledgement
    creates = by_op["create"]
    problems = []
    for e in creates:
        found = list(Enterprise.objects.filter(uscc=e["uscc"]).values_list("pk", "name"))
        if found != [(e["id"], e["name"])]:
            problems.append(f"employer {e['uscc']} (id {e['id']}): found {found}")
    in_db = Enterprise.objects.filter(name__startswith=f"重庆浸泡测试{run}").count()
    if in_db != len(creates):
        problems.append(f"{in_db} employers of this run in the database, {len(creates)} creates acknowledged")
    audited = AuditLog.objects.filter(
        action="create", content_type__model="enterprise", object_id__in=[str(e["id"]) for e in creates]
    ).count()
    if audited != len(creates):
        problems.append(f"{audited} audit entries for {len(creates)} created employers")
    verdict("created employers (once each, audited, none unacknowledged)", problems, len(creates))

    # edits: the final value of each field is the last acknowledged one (one writer per employer)
    last: dict[tuple[str, str], object] = {}
    for e in by_op["edit"]:
        for field in ("contact_phone", "employees", "contact_name"):
            if field in e:
                last[(e["uscc"], field)] = e[field]
    problems = []
    for (uscc, field), value in last.items():
        actual = Enterprise.objects.filter(uscc=uscc).values_list(field, flat=True).first()
        if actual != value:
            problems.append(f"{uscc}.{field}: database {actual!r}, last acknowledged {value!r}")
    verdict(
        f"edits ({len(by_op['edit'])} acknowledged; last value of each edited field)", problems, len(last)
    )

    # confirmations: the last acknowledged status and note of each entry
    final = {}
    for e in by_op["confirm"]:
        final[e["entry"]] = (e["status"], e["note"])
    problems = []
    actual = {
        pk: (s, n)
        for pk, s, n in HazardListEntry.objects.filter(pk__in=final).values_list("pk", "status", "note")
    }
    for pk, value in final.items():
        if actual.get(pk) != value:
            problems.append(f"entry {pk}: database {actual.get(pk)!r}, last acknowledged {value!r}")
    verdict(
        f"confirmations ({len(by_op['confirm'])} acknowledged; last status and note per entry)",
        problems,
        len(final),
    )

    # declarations: each there with its receipt; none doubled; none unacknowledged
    declares = by_op["declare"]
    problems = []
    found = {
        pk: (r, u, k)
        for pk, r, u, k in Declaration.objects.filter(pk__in=[e["id"] for e in declares]).values_list(
            "pk", "receipt_no", "enterprise__uscc", "kind"
        )
    }
    for e in declares:
        if found.get(e["id"]) != (e["receipt_no"], e["uscc"], e["kind"]):
            problems.append(
                f"declaration {e['id']}: database {found.get(e['id'])!r}, acknowledged "
                f"{(e['receipt_no'], e['uscc'], e['kind'])!r}"
            )
    in_db = Declaration.objects.filter(remark__startswith=f"soak {run} ").count()
    if in_db != len(declares):
        problems.append(f"{in_db} declarations of this run in the database, {len(declares)} acknowledged")
    receipts = collections.Counter(Declaration.objects.values_list("receipt_no", flat=True))
    doubled = [r for r, c in receipts.items() if c > 1]
    if doubled:
        problems.append(f"receipt numbers given twice: {doubled[:5]}")
    verdict("declarations (once each, receipt numbers unique, none unacknowledged)", problems, len(declares))

    # intake: each batch there, done, with its rows; a re-upload answers the same batch; none doubled
    intakes = by_op["intake"]
    problems = []
    first_batch: dict[str, int] = {}
    for e in intakes:
        if e["batch"] is None:
            problems.append(f"{e['file']}: acknowledged without a batch")
            continue
        if e["file"] in first_batch and first_batch[e["file"]] != e["batch"]:
            problems.append(
                f"{e['file']}: re-upload answered batch {e['batch']}, first {first_batch[e['file']]}"
            )
        first_batch.setdefault(e["file"], e["batch"])
    batches = {
        pk: (f, s)
        for pk, f, s in SourceBatch.objects.filter(pk__in=set(first_batch.values())).values_list(
            "pk", "file_name", "status"
        )
    }
    rows = collections.Counter(
        SourceRow.objects.filter(batch_id__in=batches).values_list("batch_id", flat=True)
    )
    expected_rows = {e["batch"]: e["rows"] for e in intakes if e["batch"] is not None}
    for filename, pk in first_batch.items():
        if batches.get(pk) != (filename, "done"):
            problems.append(f"batch {pk}: database {batches.get(pk)!r}, expected ({filename!r}, 'done')")
        elif rows[pk] != expected_rows[pk]:
            problems.append(f"batch {pk} ({filename}): {rows[pk]} rows, file has {expected_rows[pk]}")
    in_db = SourceBatch.objects.filter(file_name__startswith=f"soak-{run}-").count()
    if in_db != len(first_batch):
        problems.append(f"{in_db} batches of this run in the database, {len(first_batch)} files acknowledged")
    verdict(
        f"intake batches ({len(intakes)} uploads acknowledged, "
        f"{sum(e['duplicate'] for e in intakes)} of them re-uploads; rows, no doubles)",
        problems,
        len(first_batch),
    )
    return ok, lines


# ---- main ---------------------------------------------------------------------------------------


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument(
        "--background",
        default="",
        help='command run in a loop during the soak (default: "ohsteward hazard-list generate --year Y")',
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("OHSTEWARD_DATABASE_URL") or bench_load.DEFAULT_URL
    )
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("OHSTEWARD_DATA_DIR") or str(Path(tempfile.gettempdir()) / "ohsteward-load"),
    )
    parser.add_argument(
        "--enterprises", type=int, default=100_000, help="employers to build when the database is empty"
    )
    parser.add_argument("--port", type=int, default=8109)
    parser.add_argument("--server", default="auto", choices=["auto", "gunicorn", "waitress"])
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--pause", type=float, default=0.2, help="seconds each client waits between requests")
    parser.add_argument(
        "--check", metavar="LEDGER", help="only check an earlier run's ledger (its run id is in the name)"
    )
    args = parser.parse_args(argv)

    bench_load.setup_django(args.database_url, args.data_dir)
    if args.check:
        ledger = Path(args.check)
        ok, lines = check(ledger, ledger.stem.removeprefix("soak-"))
        print("\n".join(lines))
        return 0 if ok else 1
    env = {**os.environ, "OHSTEWARD_DATABASE_URL": args.database_url, "OHSTEWARD_DATA_DIR": args.data_dir}
    employers = bench_load.ensure_data(args.enterprises, env)

    from django.db import connection

    from ohsteward.accounts.actions import token_create
    from ohsteward.accounts.models import User
    from ohsteward.declarations.models import HazardList, HazardListEntry
    from ohsteward.registry.models import Enterprise, Industry

    run = dt.datetime.now(dt.UTC).strftime("%m%d%H%M")
    out = Path(tempfile.mkdtemp(prefix=f"ohsteward-soak-{run}-"))
    ledger = out / f"soak-{run}.jsonl"
    users = {u.username: u for u in User.objects.filter(username__in=["yubei", "manager", "cdc", "city"])}
    tokens = {name: token_create(user=user, name=f"soak {run}") for name, user in users.items()}
    manager_uscc = (
        users["manager"].role_assignments.first().enterprise.uscc
        if hasattr(users["manager"], "role_assignments")
        else None
    )
    if manager_uscc is None:
        from ohsteward.accounts.models import RoleAssignment

        manager_uscc = RoleAssignment.objects.get(user=users["manager"]).enterprise.uscc
    latest = HazardList.objects.order_by("-year").first()
    entry_ids = list(
        HazardListEntry.objects.filter(hazard_list=latest, region_id=DISTRICT)
        .exclude(enterprise__uscc=manager_uscc)
        .values_list("pk", flat=True)
        .order_by("pk")[:400]
    )
    industries = list(
        Industry.objects.filter(level="class", code__startswith="33").values_list("code", flat=True)[:20]
    )
    known = list(
        Enterprise.objects.filter(region_id=DISTRICT, registration="registered")
        .exclude(uscc=None)
        .values_list("uscc", "name")
        .order_by("pk")[:500]
    )
    keys = [k for k, _ in known]
    year = latest.year if latest else dt.date.today().year
    background = args.background or f"{sys.executable} -m ohsteward hazard-list generate --year {year}"
    connection.close()

    rec = Recorder(ledger)
    base = f"http://127.0.0.1:{args.port}"
    print(
        f"soak {run}: {args.minutes:g} minutes against {args.database_url.rsplit('/', 1)[-1]} "
        f"({employers:,} employers); ledger {ledger}",
        flush=True,
    )
    server = bench_load.start_server(args, env, out / "server.log")
    stop = threading.Event()
    background_runs: list[tuple[float, int]] = []
    threads = []
    loads = [os.getloadavg()[0]]
    try:
        print((out / "server.log").read_text().strip().splitlines()[0], flush=True)
        bg = threading.Thread(
            target=background_loop,
            args=(
                background,
                {**env, "OHSTEWARD_SECRET_KEY": "soak-" * 10, "OHSTEWARD_FIELD_KEY": "soak-field-" * 4},
                stop,
                out / "background.log",
                background_runs,
            ),
        )
        bg.start()
        half = len(entry_ids) // 2
        specs = [
            (
                district_writer,
                (
                    Client(base, tokens["yubei"], rec),
                    rec,
                    stop,
                    run,
                    1,
                    entry_ids[:half],
                    industries,
                    args.pause,
                ),
            ),
            (
                district_writer,
                (
                    Client(base, tokens["yubei"], rec),
                    rec,
                    stop,
                    run,
                    2,
                    entry_ids[half:],
                    industries,
                    args.pause,
                ),
            ),
            (
                manager_writer,
                (Client(base, tokens["manager"], rec), rec, stop, run, manager_uscc, args.pause * 5),
            ),
            (intake_writer, (Client(base, tokens["cdc"], rec), rec, stop, run, known, args.pause * 10)),
            (
                reader,
                (
                    Client(base, tokens["yubei"], rec),
                    rec,
                    stop,
                    run,
                    keys,
                    args.pause,
                    ("yubei", bench_load.PASSWORD),
                ),
            ),
            (reader, (Client(base, tokens["city"], rec), rec, stop, run, keys, args.pause)),
        ]
        for target, target_args in specs:
            t = threading.Thread(target=target, args=target_args, daemon=True)
            t.start()
            threads.append(t)
        end = time.time() + args.minutes * 60
        while time.time() < end:
            time.sleep(min(60, max(0.1, end - time.time())))
            loads.append(os.getloadavg()[0])
            done = len(rec.answers)
            print(
                f"  {time.strftime('%H:%M:%S', time.gmtime())} UTC  {done} requests, {len(rec.errors)} errors, "
                f"background runs {len(background_runs)}, load {loads[-1]:.1f}",
                flush=True,
            )
        stop.set()
        for t in threads:
            t.join(timeout=150)
        bg.join(timeout=60)
    finally:
        stop.set()
        bench_load.stop_server(server)
        rec.ledger.close()

    by_op = collections.defaultdict(list)
    statuses = collections.defaultdict(collections.Counter)
    for op, status, ms in rec.answers:
        by_op[op].append(ms)
        statuses[op][status] += 1
    elapsed = args.minutes * 60
    print(
        f"\nsoak {run}: {len(rec.answers)} requests in {args.minutes:g} min ({len(rec.answers) / elapsed:.1f}/s); "
        f"load average (1 min) {min(loads):.1f}–{max(loads):.1f}, median {statistics.median(loads):.1f}"
    )
    print("| operation | requests | answers | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- | --- |")
    for op in sorted(by_op):
        answers = ", ".join(f"{s}×{c}" for s, c in sorted(statuses[op].items()))
        print(
            f"| {op} | {len(by_op[op])} | {answers} | {pct(by_op[op], 50):.0f} | {pct(by_op[op], 95):.0f} |"
        )
    ok_runs = sum(1 for _, code in background_runs if code == 0)
    print(
        f"\nbackground `{background}`: {len(background_runs)} complete runs ({ok_runs} exit 0), "
        f"{statistics.median([d for d, _ in background_runs]) if background_runs else float('nan'):.1f} s median"
    )
    if rec.errors:
        print(f"server errors / connection failures ({len(rec.errors)}):")
        for e in rec.errors[:20]:
            print(f"  {e}")
    print("\ncheck of the acknowledged writes against the database:")
    ok, lines = check(ledger, run)
    print("\n".join(lines))
    print(
        f"\n{'PASS' if ok and not rec.errors else 'FAIL'}: ledger {ledger}, server log {out / 'server.log'}, "
        f"background log {out / 'background.log'}"
    )
    return 0 if ok and not rec.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
