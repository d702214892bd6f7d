"""``ohsteward serve``: the production WSGI server (waitress), not Django's runserver."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "以生产模式启动 Web 服务（waitress）。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        add_worker_argument(parser)

    def handle(self, *args, host, port, threads, **options):
        start_worker_unless(options, stdout=self.stdout)
        serve(host=host, port=port, threads=threads, stdout=self.stdout)


def serve(*, host: str, port: int, threads: int = 8, stdout=None) -> None:
    from waitress import serve as waitress_serve

    from ohsteward.wsgi import application

    if stdout is not None:
        stdout.write(f"ohsteward 正在运行：http://{host}:{port}/ （Ctrl+C 停止）")
    waitress_serve(application, host=host, port=port, threads=threads, ident="ohsteward")


def add_worker_argument(parser) -> None:
    parser.add_argument("--no-worker", action="store_true", help="不启动内置的后台任务工作进程（另行运行 ohsteward worker）")


def start_worker_unless(options: dict, stdout=None) -> None:
    """Start the embedded background-job worker unless ``--no-worker`` (web/embedded_worker.py)."""
    if not options.get("no_worker"):
        from ohsteward.web.embedded_worker import start_worker_process

        start_worker_process(stdout=stdout)
