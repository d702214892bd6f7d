"""The one scoping mechanism: ``Model.objects.for_user(user)``.

A protected model declares *how a row is reached* with ``scope = Scope(...)`` (through an
employer, a district column, the institution or steward team it belongs to, its uploader). It
never says *who* may see it: that is interpreted by ``ohsteward.accounts.access.scope_q`` and
nowhere else.

The one sanctioned upward import in ``core`` is here: ``for_user`` asks ``accounts.access`` at
query time through a function-local import (``core`` is below every domain app; see the
import-linter contract in pyproject.toml).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Scope:
    """How a row reaches the things jurisdictions are made of.

    - ``enterprise``: ORM path to the employer ("" = the row *is* an Enterprise;
      "workplace__enterprise" …); None = the row is not reached through an employer.
    - ``district`` / ``town`` / ``zone``: region-code columns of the row itself, for rows that have
      no employer yet (source rows); ``district`` may name several columns (a row is also seen
      by the district it was referred to).
    - ``institution`` / ``team``: FK path to the institution / steward team the row belongs to
      (``institution=""``: the row is the institution).
    - ``uploader``: FK path to the user who brought the row in ("batch__uploaded_by").
    - ``through``: (model label, FK field on it): the row is seen when one of those rows is
      (a batch is seen by whoever sees one of its rows).
    - ``person``: FK path to the ``surveillance.Person`` the row is about ("worker__person";
      ``person=""``: the row is the person): a worker's own login sees these rows of their own,
      at every employer (issue 12 item 9); None = a worker never sees the row.
    - ``regulators_only``: employers, institutions and teams never see these rows, whatever
      they reach (other departments' lists about an employer).
    - ``enterprise_district``: a column of the row itself holding a copy of its employer's district
      (``Enterprise.region_id``, read through ``enterprise``, a direct foreign key): a district
      officer's scope reads this column instead of joining the employer (the over-limit and
      rectification lists at city scale; docs/performance.md, branch monfast). The copy is set on
      save (``ScopedModelMixin.save``) and kept equal by the register whenever an employer's
      district changes or its records move (``registry.models.sync_district_copies``).
    - ``institution_sees_own``: with ``regulators_only``, the institution a row is about (its
      ``institution`` path) still reads it — not the employers or teams (a cross-check finding
      about an institution is shown to that institution, read-only).
    - ``serving_area``: rows about an institution (``institution`` path) are also seen by the
      district / town / zone officers of the employers an out-of-province institution serves
      (it has no district of its own; issue 9 item 7).
    """

    enterprise: str | None = "enterprise"
    district: str | tuple[str, ...] | None = None
    town: str | None = None
    zone: str | None = None
    institution: str | None = None
    team: str | None = None
    uploader: str | None = None
    person: str | None = None
    through: tuple[str, str] | None = None
    regulators_only: bool = False
    institution_sees_own: bool = False
    serving_area: bool = False
    enterprise_district: str | None = None


def access_rules():
    """``ohsteward.accounts.access``, imported when a query is built: the one seam from core up.

    Data modules that must ask a question of the access rules at run time (which rows a user
    sees; whether a user may see tip-off reasons) ask through here, so that no data module
    imports them (import-linter contract in pyproject.toml)."""
    # local: the ADR 0005 seam: core may not import the access rules at load; for_user asks at query time
    from ohsteward.accounts import access

    return access


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        """Only the rows ``user`` may see (empty for anonymous or unassigned users)."""
        return self.filter(self.model.scope_q(user))


class ScopedModelMixin:
    """Gives a model ``scope_q(user)`` from its declared ``scope``.

    ``scope_enterprise_path`` is the short form of ``Scope(enterprise=path)``.
    """

    scope: Scope | None = None
    scope_enterprise_path: str = "enterprise"

    @classmethod
    def get_scope(cls) -> Scope:
        return cls.scope if cls.scope is not None else Scope(enterprise=cls.scope_enterprise_path)

    @classmethod
    def scope_q(cls, user):
        return access_rules().scope_q(cls.get_scope(), user)

    def save(self, *args, **kwargs):
        scope = self.get_scope()
        column, path = scope.enterprise_district, scope.enterprise
        fields = kwargs.get("update_fields")
        if column and path and (fields is None or path in fields or f"{path}_id" in fields):
            # the copy of the employer's district the scope reads (``Scope.enterprise_district``)
            employer = getattr(self, path)
            setattr(self, column, employer.region_id if employer is not None else "")
            if fields is not None:
                kwargs["update_fields"] = {*fields, column}
        super().save(*args, **kwargs)


class InForceQuerySet(ScopedQuerySet):
    """Rows that run from ``start_date`` to ``end_date`` (open-ended when empty): engagements,
    agreements — the relations whose clients an institution or a team has."""

    def in_force(self, on):
        """Rows covering ``on``: started on or before it and not yet ended."""
        return self.filter(
            models.Q(start_date__lte=on), models.Q(end_date__isnull=True) | models.Q(end_date__gte=on)
        )
