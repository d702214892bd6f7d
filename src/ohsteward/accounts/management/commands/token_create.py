"""``ohsteward token create USERNAME [--expires-in-days N]``: issue an API token and print only the token."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ohsteward.accounts.actions import token_create
from ohsteward.accounts.models import User


class Command(BaseCommand):
    help = "为用户生成 API 令牌（只输出令牌本身；令牌只显示这一次）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="", help="令牌名称（便于以后识别）")
        parser.add_argument(
            "--expires-in-days",
            type=int,
            default=None,
            metavar="N",
            help="有效天数（1–3650）；不填则长期有效，直到作废",
        )

    def handle(self, *args, username, name, expires_in_days=None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}")
        if not user.is_active:
            raise CommandError(f"用户已停用：{username}")
        try:
            raw = token_create(user=user, name=name, expires_in_days=expires_in_days)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(raw)
