"""Pages of the exposure-limit reference data: the editions list and the limit import."""

from __future__ import annotations

from django.db.models import Count

from ohsteward.core.views import ImportView, ObjectListView
from ohsteward.hazards.forms import LimitImportForm
from ohsteward.hazards.importers import ExposureLimitImporter
from ohsteward.hazards.models import ExposureLimitEdition
from ohsteward.hazards.tables import ExposureLimitEditionTable


class EditionListView(ObjectListView):
    """接触限值版本: reference data, the same for every user (no scope)."""

    queryset = ExposureLimitEdition.objects.all()
    table = ExposureLimitEditionTable
    title = "接触限值版本"
    unit = "个"
    export_filename = "接触限值版本"
    template_name = "hazards/edition_list.html"

    def get_queryset(self):
        return self.queryset.annotate(limit_count=Count("limits")).order_by(
            "standard", "effective_from", "version"
        )

    def page_source(self, queryset):
        return ExposureLimitEdition.objects.annotate(limit_count=Count("limits"))


class ExposureLimitImportView(ImportView):
    importer = ExposureLimitImporter()
    kind = "hazards.exposurelimit"
    permission = "hazards.add_exposurelimitedition"
    form_class = LimitImportForm
    rows_template = "hazards/_import_rows.html"
    preview_rows = 500  # GBZ 2.1 表1 and 表2 together are a few hundred limits: show them all
    title = "导入职业接触限值（GBZ 2.1 表1、表2）"
    url_names = {
        "upload": "hazards:limit_import",
        "template": "hazards:limit_import_template",
        "confirm": "hazards:limit_import_confirm",
        "errors": "hazards:limit_import_errors",
        "done": "hazards:edition_list",
    }

    def preview_context(self, report):
        context = super().preview_context(report)
        context["changes"] = [("新增", context["created"]), ("更新", context["updated"])]
        return context
