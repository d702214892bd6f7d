"""``ohsteward user add USERNAME --role ROLE [--region CODE] [--enterprise USCC]``.

The password comes from ``OHSTEWARD_PASSWORD`` or, with ``--password-stdin``, from the first
line of standard input, so that it never appears in the process list or the shell history.
"""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ohsteward.accounts import access
from ohsteward.accounts.actions import user_create
from ohsteward.accounts.choices import Role
from ohsteward.core.audit import audit_context


def validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(
            f"{field}: {'，'.join(messages)}" if field != "__all__" else "，".join(messages)
            for field, messages in exc.message_dict.items()
        )
    return "；".join(exc.messages)


class Command(BaseCommand):
    help = "新增用户并分配角色与辖区（密码取自环境变量 OHSTEWARD_PASSWORD 或 --password-stdin）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument("--role", required=True, help=f"角色：{'、'.join(Role.values)}")
        parser.add_argument("--region", help="辖区代码：区县6位、乡镇街道9位、功能区 Z5001 等；市级为 500000")
        parser.add_argument("--enterprise", help="用人单位管理人员所属单位的统一社会信用代码")
        parser.add_argument("--display-name", default="", help="姓名")
        parser.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（第一行）")

    def handle(self, *args, username, role, region, enterprise, display_name, password_stdin, **options):
        if role not in Role.values:
            raise CommandError(f"未知角色：{role}（可选：{'、'.join(Role.values)}）")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = os.environ.get("OHSTEWARD_PASSWORD", "")
        if not password:
            raise CommandError(
                "未提供密码：请设置环境变量 OHSTEWARD_PASSWORD，或使用 --password-stdin 从标准输入读取"
            )
        try:
            with audit_context(None, "cli"):
                user = user_create(
                    username=username,
                    password=password,
                    role=role,
                    region_code=region,
                    enterprise_uscc=enterprise,
                    display_name=display_name,
                )
        except ValidationError as exc:
            raise CommandError(validation_text(exc)) from exc
        where = access.jurisdiction_label(user)
        self.stdout.write(f"已新增用户 {user.username}（{user.assignment.get_role_display()}，{where}）")
