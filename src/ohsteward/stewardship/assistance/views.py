"""Pages of SME assistance: the district plan (progress, rates, shortfall), the plan's
employers, one employer's six items (on a phone), exports and the import of a plan's list."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from ohsteward.core.views import ImportView as BaseImportView
from ohsteward.core.views import (
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    ProtectedView,
    ScopedObjectMixin,
    apply_errors,
    messages_of,
)
from ohsteward.registry.forms import ImportForm
from ohsteward.stewardship import rules as steward_rules
from ohsteward.stewardship.assistance import actions, queries, rules
from ohsteward.stewardship.assistance.filtersets import AssistanceEntryFilterSet, AssistancePlanFilterSet
from ohsteward.stewardship.assistance.forms import (
    EntryEditForm,
    EntryForm,
    EntryNotesForm,
    ItemForm,
    PlanEditForm,
    PlanForm,
)
from ohsteward.stewardship.assistance.importers import EntryImporter
from ohsteward.stewardship.assistance.models import AssistanceEntry, AssistanceItem, AssistancePlan
from ohsteward.stewardship.assistance.tables import AssistanceEntryTable, AssistancePlanTable


class PlanListView(ObjectListView):
    queryset = AssistancePlan.objects.with_progress()
    filterset = AssistancePlanFilterSet
    table = AssistancePlanTable
    permission = "stewardship.view_assistanceplan"
    title, unit, export_filename = "中小微企业帮扶计划", "个", "中小微企业帮扶计划"
    template_name = "stewardship/assistance_plan_list.html"

    def page_source(self, queryset):
        return AssistancePlan.objects.with_progress()


class PlanDetailView(ObjectDetailView):
    queryset = AssistancePlan.objects.select_related("district")
    permission = "stewardship.view_assistanceplan"
    template_name = "stewardship/assistance_plan_detail.html"

    def get_context_data(self, **context) -> dict:
        plan = context["object"]
        version = rules.VERSIONS.get(plan.rules_version, rules.RULES_V1)
        entries = (
            AssistanceEntry.objects.for_user(self.request.user)
            .filter(plan=plan)
            .select_related("enterprise", "team", "plan__district")
            .prefetch_related("items")
            .order_by("enterprise__name")
        )
        flagged = queries.with_flags(list(entries))
        return {
            **context,
            "progress": queries.plan_progress(plan, self.request.user),
            "entries": AssistanceEntryTable.html_rows(flagged),
            "priority_count": sum(1 for e in flagged if e.is_priority),
            "headers": AssistanceEntryTable.headers(""),
            "version": version,
        }


class PlanCreateView(ObjectFormView):
    queryset = AssistancePlan.objects.all()
    permission = "stewardship.add_assistanceplan"
    form = PlanForm
    form_takes_user = True
    create = True
    one_time_submission = True
    action = actions.plan_create
    template_name = "stewardship/form.html"

    def action_kwargs(self, form, obj) -> dict:
        return dict(form.cleaned_data)

    def get_context_data(self, **context) -> dict:
        return {**context, "title": "新建帮扶计划"}


class PlanEditView(ObjectFormView):
    queryset = AssistancePlan.objects.select_related("district")
    permission = "stewardship.change_assistanceplan"
    form = PlanEditForm
    form_takes_user = True
    action = actions.plan_update
    object_keyword = "plan"
    template_name = "stewardship/form.html"


class EntryEditView(ObjectFormView):
    """The district changes an entry's team, expert group, deadline and notes."""

    queryset = AssistanceEntry.objects.select_related("enterprise", "plan")
    permission = "stewardship.add_assistanceentry"
    form = EntryEditForm
    form_takes_user = True
    action = actions.entry_update
    object_keyword = "entry"
    template_name = "stewardship/form.html"


class EntryListView(ObjectListView):
    queryset = AssistanceEntry.objects.all()
    filterset = AssistanceEntryFilterSet
    table = AssistanceEntryTable
    permission = "stewardship.view_assistanceentry"
    title, unit, export_filename = "帮扶企业", "家", "帮扶企业"
    template_name = "stewardship/assistance_entry_list.html"


class EntryCreateView(ScopedObjectMixin, ProtectedView):
    """Put an employer on a plan (the plan is the URL's pk; 404 outside the user's scope)."""

    queryset = AssistancePlan.objects.select_related("district")
    permission = "stewardship.add_assistanceentry"
    template_name = "stewardship/form.html"

    def _render(self, form, plan):
        heading = f"添加帮扶企业：{plan}"
        return render(self.request, self.template_name, {"form": form, "object": plan, "heading": heading})

    def get(self, request, pk):
        return self._render(EntryForm(user=request.user), self.get_object())

    def post(self, request, pk):
        plan = self.get_object()
        form = EntryForm(data=request.POST, user=request.user)
        if form.is_valid():
            try:
                entry = actions.entry_add(user=request.user, plan=plan, **form.action_data())
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, messages_of(error))
            else:
                messages.success(request, f"已列入帮扶计划：{entry.enterprise.name}")
                return redirect(entry.get_absolute_url())
        return self._render(form, plan)


class EntryDetailView(ObjectDetailView):
    queryset = AssistanceEntry.objects.with_facts().select_related("enterprise", "plan__district", "team")
    permission = "stewardship.view_assistanceentry"
    template_name = "stewardship/assistance_entry_detail.html"

    def get_context_data(self, **context) -> dict:
        entry = context["object"]
        queries.with_flags([entry])  # 带病例 / 在案整改 (core.facts; None → 无数据)
        return {
            **context,
            "items": list(entry.items.order_by("pk")),
            "rates": queries.entry_rates(entry),
            "remediation_hint": queries.remediation_hint(entry),
            "training_shortfall": queries.training_shortfall(entry),
            "notes_form": EntryNotesForm(initial={"strategy": entry.strategy}),
            "item_form": ItemForm(),
            "can_change": self.request.user.has_perm("stewardship.change_assistanceentry"),
        }


class EntryNotesView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = AssistanceEntry.objects.all()
    permission = "stewardship.change_assistanceentry"

    def post(self, request, pk):
        entry = self.get_object()
        form = EntryNotesForm(request.POST)
        if form.is_valid():
            try:
                actions.entry_update(user=request.user, entry=entry, data=form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, messages_of(error))
            else:
                messages.success(request, "已保存一企一策。")
        return redirect(entry.get_absolute_url())


class ItemRecordView(ScopedObjectMixin, ProtectedView):
    """One of the six items: the form (GET, phone-sized) and its save (POST, file included)."""

    queryset = AssistanceEntry.objects.select_related("enterprise", "plan")
    permission = "stewardship.change_assistanceentry"
    template_name = "stewardship/assistance_item_form.html"

    def _item(self, entry, code) -> AssistanceItem:
        item = entry.items.filter(item=code).first()
        if item is None:
            raise Http404("帮扶事项不存在")
        return item

    def get(self, request, pk, code):
        entry = self.get_object()
        item = self._item(entry, code)
        form = ItemForm(initial={
            "state": item.state, "done_on": item.done_on, "na_reason": item.na_reason,
            "evidence_note": item.evidence_note,
        })  # fmt: skip
        return render(request, self.template_name, {"form": form, "entry": entry, "item": item})

    def post(self, request, pk, code):
        entry = self.get_object()
        item = self._item(entry, code)
        form = ItemForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actions.item_record(user=request.user, item=item, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, messages_of(error))
            else:
                messages.success(request, f"已保存：{item.get_item_display()}")
                return redirect(entry.get_absolute_url())
        return render(request, self.template_name, {"form": form, "entry": entry, "item": item})


class ItemEvidenceView(ScopedObjectMixin, ProtectedView):
    """The evidence file of one item, to whoever sees the entry (404 otherwise)."""

    queryset = AssistanceEntry.objects.all()
    permission = "stewardship.view_assistanceentry"

    def get(self, request, pk, code):
        entry = self.get_object()
        item = entry.items.select_related("file").filter(item=code).first()
        if item is None or not hasattr(item, "file"):
            raise Http404("文件不存在")
        media_type, shown = steward_rules.evidence_media_type(item.evidence_name)  # not as declared
        response = HttpResponse(bytes(item.file.data), content_type=media_type)
        disposition = "inline" if shown else "attachment"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(item.evidence_name)}"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class EntryImportView(BaseImportView):
    importer = EntryImporter()
    kind = "stewardship.assistance"
    permission = "stewardship.add_assistanceentry"
    form_class = ImportForm
    title = "导入帮扶企业名单"
    url_names = {
        "upload": "stewardship:assistance_import",
        "template": "stewardship:assistance_import_template",
        "confirm": "stewardship:assistance_import_confirm",
        "errors": "stewardship:assistance_import_errors",
        "done": "stewardship:assistance_entry_list",
    }
