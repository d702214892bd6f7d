"""Tables of the hazard reference data (the API's ``export/``)."""

from __future__ import annotations

from ohsteward.core.tables import Table, field_columns
from ohsteward.hazards.models import ExposureLimit, HazardFactor, OccupationalDisease


class HazardFactorTable(Table):
    columns = field_columns(
        HazardFactor, ["code", "name", "category", "cas", "aliases", "remark", "catalogue"]
    )


class ExposureLimitTable(Table):
    columns = field_columns(
        ExposureLimit,
        [
            "hazard_factor",
            "agent_name",
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
        ],
    )


class OccupationalDiseaseTable(Table):
    columns = field_columns(
        OccupationalDisease,
        [
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
        ],
    )
