"""Password validators: Django's, with the one message its zh-hans catalogue lacks said in Chinese."""

from __future__ import annotations

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length; Django 5.2's "too short" message has no Simplified Chinese translation."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
