"""Pages of the other departments' lists: three lists (filters, .xlsx export) and their imports,
on core's base views (scoped by ``for_user``, import through ``ImportView``)."""

from __future__ import annotations

from ohsteward.core.views import ImportView, ObjectListView
from ohsteward.interdept.filtersets import (
    HealthyEnterpriseFilterSet,
    InsuranceRecordFilterSet,
    PersonAwardFilterSet,
)
from ohsteward.interdept.importers import HealthyEnterpriseImporter, InsuranceImporter, PersonAwardImporter
from ohsteward.interdept.models import HealthyEnterprise, InsuranceRecord, PersonAward
from ohsteward.interdept.tables import HealthyEnterpriseTable, InsuranceRecordTable, PersonAwardTable
from ohsteward.registry.forms import ImportForm


class _ListView(ObjectListView):
    template_name = "interdept/list.html"
    import_url = ""
    add_permission = ""

    def get_context_data(self, **context) -> dict:
        context["import_url"] = self.import_url if self.request.user.has_perm(self.add_permission) else ""
        return context


class InsuranceRecordListView(_ListView):
    queryset = InsuranceRecord.objects.all()
    filterset = InsuranceRecordFilterSet
    table = InsuranceRecordTable
    permission = "interdept.view_insurancerecord"
    add_permission = "interdept.add_insurancerecord"
    import_url = "interdept:insurance_import"
    title, unit, export_filename = "工伤保险参保名单", "条", "工伤保险参保名单"


class HealthyEnterpriseListView(_ListView):
    queryset = HealthyEnterprise.objects.all()
    filterset = HealthyEnterpriseFilterSet
    table = HealthyEnterpriseTable
    permission = "interdept.view_healthyenterprise"
    add_permission = "interdept.add_healthyenterprise"
    import_url = "interdept:healthy_import"
    title, unit, export_filename = "健康企业名单", "条", "健康企业名单"


class PersonAwardListView(_ListView):
    queryset = PersonAward.objects.all()
    filterset = PersonAwardFilterSet
    table = PersonAwardTable
    permission = "interdept.view_personaward"
    add_permission = "interdept.add_personaward"
    import_url = "interdept:award_import"
    title, unit, export_filename = "职业健康达人/安康之星名单", "人", "职业健康达人安康之星名单"


def _urls(prefix: str, done: str) -> dict[str, str]:
    return {
        "upload": f"interdept:{prefix}_import",
        "template": f"interdept:{prefix}_import_template",
        "confirm": f"interdept:{prefix}_import_confirm",
        "errors": f"interdept:{prefix}_import_errors",
        "done": f"interdept:{done}",
    }


class InsuranceImportView(ImportView):
    importer = InsuranceImporter()
    kind = "interdept.insurance"
    permission = "interdept.add_insurancerecord"
    form_class = ImportForm
    title = "导入工伤保险参保名单"
    url_names = _urls("insurance", "insurance_list")


class HealthyEnterpriseImportView(ImportView):
    importer = HealthyEnterpriseImporter()
    kind = "interdept.healthy"
    permission = "interdept.add_healthyenterprise"
    form_class = ImportForm
    title = "导入健康企业名单"
    url_names = _urls("healthy", "healthy_list")


class PersonAwardImportView(ImportView):
    importer = PersonAwardImporter()
    kind = "interdept.award"
    permission = "interdept.add_personaward"
    form_class = ImportForm
    title = "导入职业健康达人/安康之星名单"
    url_names = _urls("award", "award_list")
