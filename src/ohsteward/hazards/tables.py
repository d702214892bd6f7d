"""Tables of the hazard reference data (the API's ``export/``)."""

from __future__ import annotations

from ohsteward.core.tables import Column, Table, field_columns
from ohsteward.hazards.models import ExposureLimit, ExposureLimitEdition, HazardFactor, OccupationalDisease

# The fields each list shows, in order; the API serializers show the same (hazards/api/serializers.py),
# so the page, the .xlsx export and the JSON agree.
HAZARD_FACTOR_FIELDS = ["code", "name", "category", "cas", "aliases", "remark", "catalogue"]
EXPOSURE_LIMIT_FIELDS = [
    "hazard_factor",
    "edition",
    "agent_name",
    "agent_name_en",
    "category",
    "cas",
    "limit_type",
    "value",
    "value_text",
    "unit",
    "condition",
    "notes",
    "critical_effect",
    "standard",
    "standard_version",
    "effective_from",
    "effective_to",
    "source",
    "verified",
]
OCCUPATIONAL_DISEASE_FIELDS = [
    "edition",
    "effective_from",
    "effective_to",
    "class_no",
    "class_name",
    "subclass_name",
    "seq",
    "code",
    "name",
    "restriction",
]


class HazardFactorTable(Table):
    columns = field_columns(HazardFactor, HAZARD_FACTOR_FIELDS)


class ExposureLimitTable(Table):
    columns = field_columns(ExposureLimit, EXPOSURE_LIMIT_FIELDS)


class OccupationalDiseaseTable(Table):
    columns = field_columns(OccupationalDisease, OCCUPATIONAL_DISEASE_FIELDS)


EDITION_FIELDS = [
    "standard",
    "version",
    "kind",
    "effective_from",
    "effective_to",
    "source",
    "verified",
    "imported_at",
]


class ExposureLimitEditionTable(Table):
    columns = [
        *field_columns(ExposureLimitEdition, EDITION_FIELDS),
        Column("限值条数", "limit_count", key="limits"),
    ]
    default_sort = ""
