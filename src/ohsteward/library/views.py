"""The library's pages: the searchable list (and its .xlsx), an entry, the city users' form."""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpResponse

from ohsteward.core.views import ObjectDetailView, ObjectFormView, ObjectListView, ProtectedView
from ohsteward.library import actions
from ohsteward.library.filtersets import RegulationFilterSet
from ohsteward.library.forms import RegulationForm
from ohsteward.library.models import Regulation, RegulationFile
from ohsteward.library.tables import RegulationTable


class RegulationListView(ObjectListView):
    queryset = Regulation.objects.all()
    filterset = RegulationFilterSet
    table = RegulationTable
    permission = "library.view_regulation"
    title, unit, export_filename = "法律法规标准库", "部", "法律法规标准库"
    template_name = "library/regulation_list.html"


class RegulationDetailView(ObjectDetailView):
    queryset = Regulation.objects.select_related("superseded_by")
    permission = "library.view_regulation"
    template_name = "library/regulation_detail.html"

    def get_context_data(self, **context) -> dict:
        entry = context["object"]
        return {
            **context,
            "aliases": entry.alias_list(),
            "supersedes": list(entry.supersedes.order_by("number")),
            "has_file": RegulationFile.objects.filter(regulation=entry).exists(),
            "can_change": self.request.user.has_perm("library.change_regulation"),
        }


class _FormView(ObjectFormView):
    form = RegulationForm
    template_name = "library/regulation_form.html"

    def get_form(self, obj):
        kwargs = {"data": self.request.POST or None, "files": self.request.FILES or None}
        return self.form(instance=obj, **kwargs) if obj is not None else self.form(**kwargs)

    def action_kwargs(self, form, obj) -> dict:
        data = form.action_data()
        return data if obj is None else {"regulation": obj, **data}


class RegulationCreateView(_FormView):
    queryset = Regulation.objects.all()
    permission = "library.add_regulation"
    create = True
    one_time_submission = True
    action = actions.regulation_create

    def get_context_data(self, **context) -> dict:
        return {**context, "title": "新增法律法规标准"}


class RegulationEditView(_FormView):
    queryset = Regulation.objects.all()
    permission = "library.change_regulation"
    action = actions.regulation_update


class RegulationFileView(ProtectedView):
    """The full text, as a download (never rendered inline by the browser's guess)."""

    permission = "library.view_regulation"

    def get(self, request, pk):
        stored = RegulationFile.objects.select_related("regulation").filter(regulation_id=pk).first()
        if stored is None:
            raise Http404("文件不存在")
        entry = stored.regulation
        is_pdf = entry.file_name.lower().endswith(".pdf")
        response = HttpResponse(
            bytes(stored.data), content_type="application/pdf" if is_pdf else "application/octet-stream"
        )
        disposition = "inline" if is_pdf else "attachment"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(entry.file_name)}"
        response["X-Content-Type-Options"] = "nosniff"
        return response
