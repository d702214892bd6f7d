"""Template filters of the hazard-employer list pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def reason_labels_for(entry, user) -> list[str]:
    """``{% for label in e|reason_labels_for:request.user %}``: the reasons ``user`` may see
    (有奖举报 only with the tip-off permission, issue 6 item 3)."""
    return entry.reason_labels_for(user)
