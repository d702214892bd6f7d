"""``ohsteward serve``: the production WSGI server, not Django's runserver.

On Linux and macOS this is gunicorn with several worker processes (``OHSTEWARD_WORKERS``, default
2 × CPU cores, each with ``OHSTEWARD_THREADS`` threads); where gunicorn cannot run (Windows, or not
installed) and with ``--server waitress`` it is one waitress process with threads. Static files are
collected (hashed and compressed, docs/configuration.md) before the application is loaded, so that
WhiteNoise finds them when the workers start.

The server is built by ``build_server`` (a plan: which server, with which options) and run by
``run_server``; ``serve`` does both. Other start-up work (e.g. a background worker) belongs in
``Command.handle`` around ``serve``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ohsteward.web.embedded_worker import start_worker_process

SERVERS = ("auto", "gunicorn", "waitress")


class Command(BaseCommand):
    help = "以生产模式启动 Web 服务（Linux 上为多进程 gunicorn，Windows 上为 waitress）。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("OHSTEWARD_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("OHSTEWARD_PORT", "8000")))
        parser.add_argument(
            "--server",
            choices=SERVERS,
            default=os.environ.get("OHSTEWARD_SERVER", "auto"),
            help="auto = gunicorn where it can run, otherwise waitress",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="gunicorn worker processes (default OHSTEWARD_WORKERS or 2 × CPU cores)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="threads per worker (default OHSTEWARD_THREADS; waitress: 8)",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="do not run collectstatic before starting (when STATIC_ROOT is read-only "
            "and was collected at deploy time)",
        )
        add_worker_argument(parser)

    def handle(self, *args, host, port, server, workers, threads, no_collectstatic, **options):
        start_worker_unless(options, stdout=self.stdout)
        serve(
            host=host,
            port=port,
            server=server,
            workers=workers,
            threads=threads,
            collectstatic=not no_collectstatic,
            stdout=self.stdout,
        )


@dataclass
class ServerPlan:
    """Which server runs the application, and with which options (gunicorn settings or waitress kwargs)."""

    kind: str  # "gunicorn" or "waitress"
    host: str
    port: int
    options: dict = field(default_factory=dict)
    note: str = ""  # why waitress was chosen when gunicorn was asked for or expected

    @property
    def description(self) -> str:
        if self.kind == "gunicorn":
            return f"gunicorn，{self.options['workers']} 个进程 × {self.options['threads']} 个线程"
        return f"waitress，1 个进程 × {self.options['threads']} 个线程"


def default_workers() -> int:
    return max(1, 2 * (os.cpu_count() or 1))


def gunicorn_unavailable_reason() -> str | None:
    """None when gunicorn can run here, else why not."""
    if os.name == "nt":
        return "gunicorn 不支持 Windows"
    try:
        import gunicorn.app.base  # noqa: F401 (local: probing whether gunicorn is installed)
    except ImportError:
        return "未安装 gunicorn"
    return None


def build_server(
    *, host: str, port: int, server: str = "auto", workers: int | None = None, threads: int | None = None
) -> ServerPlan:
    """The server to run: gunicorn with ``workers`` processes (settings.OHSTEWARD_WORKERS or 2 × cores)
    × ``threads`` threads, or waitress when gunicorn cannot run or ``server="waitress"``."""
    if server not in SERVERS:
        raise CommandError(f"--server 应为以下之一：{'、'.join(SERVERS)}")
    workers = workers or settings.OHSTEWARD_WORKERS or default_workers()
    threads = threads or settings.OHSTEWARD_THREADS
    if workers < 1 or (threads is not None and threads < 1):
        raise CommandError("进程数和线程数应为正整数")
    note = ""
    if server != "waitress":
        reason = gunicorn_unavailable_reason()
        if reason is None:
            threads = threads or 1
            return ServerPlan("gunicorn", host, port, gunicorn_options(host, port, workers, threads))
        if server == "gunicorn":
            raise CommandError(f"无法使用 gunicorn：{reason}")
        note = reason
    return ServerPlan("waitress", host, port, {"threads": threads or 8}, note=note)


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        # gthread keeps idle keep-alive connections off the workers; sync is leaner with one thread
        "worker_class": "gthread" if threads > 1 else "sync",
        # the application is imported once, before forking: import errors stop the start, workers
        # share the imported code; Django opens database connections only on the first request
        "preload_app": True,
        "timeout": settings.OHSTEWARD_WORKER_TIMEOUT,
        "graceful_timeout": 30,
        "keepalive": 5,
        # a worker is replaced after this many requests (bounds slow memory growth), staggered
        "max_requests": 5000,
        "max_requests_jitter": 500,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "ohsteward",
    }


def run_server(plan: ServerPlan, *, stdout=None) -> None:
    """Run the planned server in the foreground until it is stopped (Ctrl+C / SIGTERM)."""
    if stdout is not None:
        note = f"（{plan.note}，改用 waitress）" if plan.note else ""
        stdout.write(
            f"ohsteward 正在运行：http://{plan.host}:{plan.port}/ {plan.description}{note}（Ctrl+C 停止）"
        )
        stdout.flush()
    if plan.kind == "gunicorn":
        _gunicorn_application(plan.options).run()
        return
    # local: the server is chosen at run time (waitress on Windows, gunicorn elsewhere)
    from waitress import serve as waitress_serve

    # local: importing ohsteward.wsgi builds the WSGI application; only the server that runs it may do that
    from ohsteward.wsgi import application

    waitress_serve(
        application, host=plan.host, port=plan.port, threads=plan.options["threads"], ident="ohsteward"
    )


def _gunicorn_application(options: dict):
    # local: gunicorn is not installed on Windows (pyproject.toml marker); waitress serves there
    from gunicorn.app.base import BaseApplication

    class OhstewardApplication(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            # local: importing ohsteward.wsgi builds the WSGI application; only the server that runs it may do that
            from ohsteward.wsgi import application

            return application

    return OhstewardApplication()


def static_fingerprint() -> str:
    """A digest of every static source file (path, size, modification time) and the storage used."""
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static() -> bool:
    """``collectstatic`` unless the collected files are those of the current sources (hashing and
    compressing every file takes ~15 s of CPU); True when it ran."""
    stamp = Path(settings.STATIC_ROOT) / ".ohsteward-collected"
    fingerprint = static_fingerprint()
    if stamp.exists() and stamp.read_text() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True


def serve(
    *,
    host: str,
    port: int,
    server: str = "auto",
    workers: int | None = None,
    threads: int | None = None,
    collectstatic: bool = True,
    stdout=None,
) -> None:
    """Collect static files (when changed), build the server and run it."""
    plan = build_server(host=host, port=port, server=server, workers=workers, threads=threads)
    if collectstatic:
        collect_static()
    run_server(plan, stdout=stdout)


def add_worker_argument(parser) -> None:
    parser.add_argument(
        "--no-worker", action="store_true", help="不启动内置的后台任务工作进程（另行运行 ohsteward worker）"
    )


def start_worker_unless(options: dict, stdout=None) -> None:
    """Start the embedded background-job worker unless ``--no-worker`` (web/embedded_worker.py)."""
    if not options.get("no_worker"):
        start_worker_process(stdout=stdout)
