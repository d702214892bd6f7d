"""``{{ source|regulation_link }}``: a rule's source as shown on a page, each citation linked to
its library entry (number, title and status in the tooltip; 废止 entries marked)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from ohsteward.library import citations
from ohsteward.library.models import Regulation

register = template.Library()


def _entries(context) -> tuple[list[tuple[str, int]], dict[int, Regulation]]:
    """The index and the entries, read once per rendering (a page may cite many sources)."""
    cache = context.render_context
    if "library_index" not in cache:
        cache["library_index"] = citations.index()
        cache["library_entries"] = Regulation.objects.in_bulk()
    return cache["library_index"], cache["library_entries"]


@register.simple_tag(takes_context=True)
def regulation_link(context, source: str):
    """Each citation of ``source`` (separated by ；，、) as a link to its entry, else plain text."""
    keys, entries = _entries(context)
    parts = []
    for part in citations.split(str(source or "")):
        pk = citations.match(part, keys)
        entry = entries.get(pk) if pk else None
        if entry is None:
            parts.append((format_html("{}", part),))
            continue
        mark = "（已废止）" if entry.repealed else ""
        parts.append(
            (
                format_html(
                    '<a class="reg-link" href="{}" title="{} {}（{}）">{}</a>{}',
                    reverse("library:regulation_detail", args=[entry.pk]),
                    entry.number,
                    entry.title,
                    entry.get_status_display(),
                    part,
                    mark,
                ),
            )
        )
    return format_html_join("；", "{}", parts)


@register.simple_tag(takes_context=True)
def regulation_url(context, citation: str) -> str:
    """The URL of the entry ``citation`` comes from, or "" (for a page's own link text)."""
    keys, _entries_by_pk = _entries(context)
    pk = citations.match(str(citation or ""), keys)
    return reverse("library:regulation_detail", args=[pk]) if pk else ""
