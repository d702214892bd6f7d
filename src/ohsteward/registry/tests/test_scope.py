"""Scope of the register (generated: ohsteward.accounts.tests.scope): employers and everything
below them are seen where the employer is registered."""

from __future__ import annotations

from ohsteward.accounts.tests.scope import ScopeCase, ScopeSuite
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry import actions
from ohsteward.registry.choices import ChangeRequestStatus
from ohsteward.registry.models import Enterprise, EnterpriseChangeRequest, Post, PostExposure, Workplace


def _exposure(world, employer, workplace: str = "三车间") -> PostExposure:
    workplace = actions.workplace_create(user=None, enterprise=employer, name=workplace)
    return actions.post_exposure_set(
        user=None,
        workplace=workplace,
        post_name="焊工",
        hazard_factor=HazardFactor.objects.order_by("code").first(),
        exposed_count=3,
    )


class TestRegistryScope(ScopeSuite):
    cases = [
        ScopeCase(
            Enterprise,
            make=lambda world, employer: employer,
            page="/registry/enterprises/{obj.uscc}/",
            api="/api/v1/enterprises/",
            key="uscc",
            export_column="统一社会信用代码",
        ),
        ScopeCase(
            Workplace,
            make=lambda world, employer: actions.workplace_create(
                user=None, enterprise=employer, name="二车间"
            ),
            page="/registry/workplaces/{obj.pk}/",
            api="/api/v1/workplaces/",
        ),
        ScopeCase(Post, make=lambda world, employer: _exposure(world, employer, "四车间").post),
        ScopeCase(PostExposure, make=_exposure),
        ScopeCase(
            EnterpriseChangeRequest,
            make=lambda world, employer: EnterpriseChangeRequest.objects.create(
                enterprise=employer, field="status", status=ChangeRequestStatus.PENDING
            ),
        ),
    ]
