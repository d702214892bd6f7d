"""``ohsteward serve``: the production WSGI server (waitress), not Django's runserver."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "以生产模式启动 Web 服务（waitress）。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host, port, threads, **options):
        serve(host=host, port=port, threads=threads, stdout=self.stdout)


def serve(*, host: str, port: int, threads: int = 8, stdout=None) -> None:
    from waitress import serve as waitress_serve

    from ohsteward.wsgi import application

    if stdout is not None:
        stdout.write(f"ohsteward 正在运行：http://{host}:{port}/ （Ctrl+C 停止）")
    waitress_serve(application, host=host, port=port, threads=threads, ident="ohsteward")
