"""Who the demo logins act for: one choice shared by every demo module and the demo command.

The demo enterprise manager's employer must be the same row for the declarations, monitoring,
surveillance and training demos and for the login itself, whatever the other modules add to the
register while they run (they create posts for other employers). So the choice reads only what
``synth_workplaces`` made before any of them runs: an active 渝北 employer with exposed posts, in an
industry of the 2021 risk catalogue (a factory, not an office), lowest primary key first.
"""

from __future__ import annotations

from ohsteward.registry.choices import RiskClass
from ohsteward.registry.models import Enterprise


def manager_employer() -> Enterprise | None:
    """The employer of the demo ``manager`` login."""
    base = Enterprise.objects.filter(
        region_id="500112", status="active", workplaces__posts__exposures__isnull=False
    ).order_by("pk")
    return (
        base.filter(industry_risk__in=[RiskClass.SERIOUS, RiskClass.GENERAL]).first()
        or base.first()
        or Enterprise.objects.filter(region_id="500112", status="active").order_by("pk").first()
    )
