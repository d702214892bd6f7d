"""Issue 6 item 1, existing data: rows that an earlier intake linked automatically to an employer
outside the uploader's jurisdiction are referred (as a new intake now does): back to review, sent
to the employer's district, without the link, the differences or the skipped-declaration note.
They then count as hazard-list evidence only once the city or that district links them.

The jurisdiction rule is restated here with the historical models (migrations must not import the
live access module); it is the rule of accounts/access at the time of this migration.
"""

from django.db import migrations
from django.db.models import Q

REFERRED = "该记录涉及其他辖区的单位，已转市级核实"
AUTOMATIC = ["uscc", "name_exact", "former_name", "fuzzy"]


def _in_scope_q(assignment, user):
    """Employers the uploader may see (None = all, Q(pk__in=[]) = none)."""
    if assignment is None:
        return None if user.is_superuser else Q(pk__in=[])
    if assignment.role == "enterprise_manager":
        return Q(enterprise_id=assignment.enterprise_id)
    if assignment.role == "city_admin":
        return None
    region = assignment.region
    if region is None:
        return Q(pk__in=[])
    return {"city": None, "district": Q(enterprise__region_id=region.code), "town": Q(enterprise__town_id=region.code),
            "zone": Q(enterprise__zone_id=region.code)}.get(region.level, Q(pk__in=[]))


def refer(apps, schema_editor):
    SourceRow = apps.get_model("intake", "SourceRow")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    User = apps.get_model("accounts", "User")
    uploaders = SourceRow.objects.filter(status="linked", enterprise__isnull=False, link_method__in=AUTOMATIC,
                                         batch__uploaded_by__isnull=False).values_list(
        "batch__uploaded_by", flat=True).distinct()
    for user in User.objects.filter(pk__in=list(uploaders)):
        assignment = RoleAssignment.objects.select_related("region").filter(user=user).first()
        inside = _in_scope_q(assignment, user)
        if inside is None:
            continue
        rows = (SourceRow.objects.filter(status="linked", enterprise__isnull=False, link_method__in=AUTOMATIC,
                                         batch__uploaded_by=user).exclude(inside).select_related("enterprise"))
        for row in rows.iterator(chunk_size=2000):
            data = {k: v for k, v in (row.data or {}).items() if k not in {"differences", "declaration_skipped"}}
            data["review_reason"] = REFERRED
            row.candidates = [[row.enterprise_id, row.link_score if row.link_score is not None else 0.0]]
            row.referred_to_id = row.enterprise.region_id
            row.enterprise_id, row.link_method, row.link_score, row.status, row.data = None, "", None, "review", data
            row.save(update_fields=["candidates", "referred_to", "enterprise", "link_method", "link_score", "status",
                                    "data"])


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0003_row_zone_and_referral"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(refer, migrations.RunPython.noop)]
