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
    - ``district``: a district-code column, for rows that have no employer yet (source rows).
    - ``institution`` / ``team``: FK path to the institution / steward team the row belongs to.
    - ``uploader``: FK path to the user who brought the row in ("batch__uploaded_by").
    """

    enterprise: str | None = "enterprise"
    district: str | None = None
    institution: str | None = None
    team: str | None = None
    uploader: str | None = None


def access_rules():
    """``ohsteward.accounts.access``, imported when a query is built: the one seam from core up."""
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
