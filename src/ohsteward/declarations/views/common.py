"""What several declarations pages share: the year's list a page shows, the employer a form names,
and the list views' filter panel."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from ohsteward.declarations.models import HazardList
from ohsteward.registry.models import Enterprise

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def today() -> dt.date:
    return timezone.localdate()


def current_list(request: HttpRequest) -> HazardList | None:
    """The list of ``?year=`` (GET or POST), else the latest one."""
    year = request.GET.get("year") or request.POST.get("year")
    if year and str(year).isdigit():
        return HazardList.objects.filter(year=int(year)).first()
    return HazardList.objects.order_by("-year").first()


def enterprise_by_key(user, key: str) -> Enterprise | None:
    """The employer a form names, inside the user's scope: its credit code, its id, or a name
    that finds exactly one."""
    key = (key or "").strip()
    scoped = Enterprise.objects.for_user(user)
    if len(key) == 18:
        return scoped.filter(uscc=key.upper()).first()
    if key.isdigit():
        return scoped.filter(pk=int(key)).first()
    matches = list(scoped.search(key)[:2])
    return matches[0] if len(matches) == 1 else None


def form_errors(form) -> str:
    """A form's errors as one message line (labelled by field)."""
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}：{'，'.join(v)}".lstrip("：")
        for k, v in form.errors.items()
    )


class LegacyExportMixin:
    """For an ``ObjectListView``: the export lives at ``export_url_name`` (``…/export/``); the
    page's old ``?export=1`` links (bookmarks, documents) still answer the same .xlsx."""

    export_url_name = ""
    export: bool
    request: HttpRequest

    def get(self, request, *args, **kwargs):
        if request.GET.get("export"):
            self.export = True
        return super().get(request, *args, **kwargs)  # type: ignore[misc]

    def get_export_url(self) -> str:
        return reverse(self.export_url_name)
