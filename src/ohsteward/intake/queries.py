"""Reads of the intake app that depend on who is looking: the review queue, rows and counts as a
viewer is shown them (issue 6 items 1 and 12), and the open work of a user (home page)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse

from ohsteward.accounts import access
from ohsteward.core.work import OPEN, WorkItem
from ohsteward.intake.choices import RowStatus
from ohsteward.intake.models import COUNT_KEYS, LINK_COUNT_KEYS, SourceBatch, SourceRow
from ohsteward.registry.models import Enterprise


def open_work(user, today: dt.date) -> list[WorkItem]:
    """Rows of source lists waiting for a person to decide which employer they are."""
    if not user.has_perm("intake.change_sourcerow"):
        return []
    n = review_queue(user).count()
    if not n:
        return []
    return [
        WorkItem(
            f"{n} 条来源记录等待人工核对",
            reverse("intake:review_list"),
            n,
            None,
            OPEN,
            "确认是哪家用人单位，或新建、驳回",
        )
    ]


def review_queue(user):
    """The review queue of ``user``: rows in review it may see, except rows referred to another
    jurisdiction (the uploader cannot judge an employer it may not see)."""
    rows = SourceRow.objects.for_user(user).in_review()
    if access.sees_everything(user):  # (Q() | q is q, not "everything")
        return rows
    return rows.filter(Q(referred_to__isnull=True) | access.location_q(user, district="referred_to_id"))


def visible_enterprise_ids(user, rows) -> set[int] | None:
    """Of the employers ``rows`` name (links and candidates), those ``user`` may see; None when
    the user sees every employer. One query per 5,000 employers named."""
    if access.sees_everything(user):
        return None
    ids = sorted({pk for r in rows for pk in r.referenced_enterprise_ids()})
    visible: set[int] = set()
    for start in range(0, len(ids), 5000):
        visible.update(
            Enterprise.objects.for_user(user)
            .filter(pk__in=ids[start : start + 5000])
            .values_list("pk", flat=True)
        )
    return visible


def rows_seen_by(user, rows) -> list[SourceRow]:
    """``rows`` as ``user`` is shown them (``SourceRow.seen_through``): every page, export and
    API answer that shows source rows passes them through here."""
    rows = list(rows)
    visible = visible_enterprise_ids(user, rows)
    return [r.seen_through(visible) for r in rows]


def iter_rows_seen_by(user, queryset, chunk: int = 2000):
    """``rows_seen_by`` for an export of any size, in chunks."""
    buffer: list[SourceRow] = []
    for row in queryset.iterator(chunk_size=chunk):
        buffer.append(row)
        if len(buffer) >= chunk:
            yield from rows_seen_by(user, buffer)
            buffer = []
    if buffer:
        yield from rows_seen_by(user, buffer)


def batch_counts_seen_by(user, batches) -> dict[int, dict]:
    """The counts of each batch over the rows ``user`` may see (issue 6 item 12).

    A viewer who sees every stored row of a batch gets the counts written at intake (which also
    tell what the batch did to the register); a viewer who sees part of it (a district of a
    city-wide list) gets counts of its own rows, counted now. Two queries for any number of batches.
    """
    batches = list(batches)
    if access.sees_everything(user):
        return {b.pk: dict(b.counts or {}) for b in batches}
    ids = [b.pk for b in batches]
    stored = dict(
        SourceRow.objects.filter(batch_id__in=ids)
        .values("batch_id")
        .annotate(n=Count("id"))
        .values_list("batch_id", "n")
    )
    seen: dict[int, dict] = {pk: {k: 0 for k in COUNT_KEYS if k != "updated"} for pk in ids}
    invalid = Count("id", filter=Q(data__has_key="uscc_warning"))
    for row in (
        SourceRow.objects.for_user(user)
        .filter(batch_id__in=ids)
        .values("batch_id", "status", "link_method")
        .annotate(n=Count("id"), invalid=invalid)
    ):
        c = seen[row["batch_id"]]
        c["rows"] += row["n"]
        c["invalid_uscc"] = c.get("invalid_uscc", 0) + row["invalid"]
        if row["status"] in (RowStatus.CREATED, RowStatus.REVIEW, RowStatus.REJECTED):
            c[row["status"]] += row["n"]
        elif row["status"] == RowStatus.LINKED and row["link_method"] in LINK_COUNT_KEYS:
            c[row["link_method"]] += row["n"]
    result = {}
    for b in batches:
        if seen[b.pk]["rows"] == stored.get(b.pk, 0):
            result[b.pk] = dict(b.counts or {})
        else:
            c = seen[b.pk]
            c["by_name"] = sum(c[k] for k in ("name_exact", "former_name", "fuzzy"))
            result[b.pk] = c
    return result


def batch_counts_for(user, batch: SourceBatch) -> dict:
    """One batch's counts as ``user`` may see them."""
    return batch_counts_seen_by(user, [batch])[batch.pk]
