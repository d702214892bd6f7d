"""``{% submission_token %}``: the hidden one-time token of a form that creates something."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from ohsteward.core import submissions

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context) -> str:
    """A new token on a fresh page; the submitted one when the form is shown again with errors."""
    request = context.get("request")
    token = (
        request.POST.get(submissions.FIELD) if request is not None and request.method == "POST" else ""
    ) or ""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', submissions.FIELD, token[:64] or submissions.new_token()
    )
