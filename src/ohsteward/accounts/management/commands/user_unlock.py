"""``ohsteward user unlock USERNAME``: lift a user's login lock (audited)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ohsteward.accounts.actions import user_unlock
from ohsteward.accounts.models import User
from ohsteward.core.audit import audit_context


class Command(BaseCommand):
    help = "解除用户的登录锁定（连续输错密码后被锁定的账号）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}")
        with audit_context(None, "cli"):
            unlocked = user_unlock(actor=None, user=user)
        self.stdout.write(f"已解除 {username} 的登录锁定" if unlocked else f"{username} 当前未被锁定")
