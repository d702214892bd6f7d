"""`ohsteward rotate_field_key`: re-encrypt every ID number under the current key.

Set the new key in OHSTEWARD_FIELD_KEY and the old one in OHSTEWARD_FIELD_KEY_PREVIOUS, run this
command, then drop the old key (docs/decisions/0009-field-encryption.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ohsteward.surveillance.actions import field_key_rotate


class Command(BaseCommand):
    help = "用当前密钥（OHSTEWARD_FIELD_KEY）重新加密全部身份证号，并重算检索散列"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, **options):
        count = field_key_rotate(batch_size=options["batch_size"])
        self.stdout.write(f"已用当前密钥重新加密 {count} 个身份证号")
