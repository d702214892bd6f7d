"""The one scoping mechanism: ``Model.objects.for_user(user)``.

Every protected model's manager is built from ``ScopedQuerySet``; the model says how it reaches
an Enterprise (``scope_enterprise_path``) or defines ``scope_q(user)`` itself. The rules of who
sees what are in ``ohsteward.accounts.access`` and nowhere else.
"""

from __future__ import annotations

from django.db import models


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        """Only the rows ``user`` may see (empty for anonymous or unassigned users)."""
        return self.filter(self.model.scope_q(user))


class ScopedModelMixin:
    """Gives a model ``scope_q(user)`` from ``scope_enterprise_path`` ("" = the model is Enterprise)."""

    scope_enterprise_path: str = "enterprise"

    @classmethod
    def scope_q(cls, user):
        from ohsteward.accounts import access

        return access.enterprise_q(user, cls.scope_enterprise_path)
