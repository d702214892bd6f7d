"""API of SME assistance: ``assistance-plans/`` and ``assistance-enterprises/`` (field names
fixed by issue 10), each with ``export/``. Writes go through ``actions``."""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from ohsteward.core.api.viewsets import ExportMixin, ScopedModelViewSet, ScopedReadOnlyModelViewSet
from ohsteward.registry.models import Region
from ohsteward.stewardship.assistance import actions, queries, rules
from ohsteward.stewardship.assistance.filtersets import AssistanceEntryFilterSet, AssistancePlanFilterSet
from ohsteward.stewardship.assistance.models import AssistanceEntry, AssistanceItem, AssistancePlan
from ohsteward.stewardship.assistance.tables import AssistanceEntryTable, AssistancePlanTable


def _rate(rate: rules.Rate) -> dict:
    return {"label": rate.label, "value": rate.value, "reason": rate.reason}


class PlanSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    target = serializers.IntegerField(required=False, min_value=0)
    enrolled = serializers.IntegerField(source="enrolled_count", read_only=True)
    items_done = serializers.IntegerField(source="items_done_count", read_only=True)

    class Meta:
        model = AssistancePlan
        fields = ["id", "district", "year", "target", "enrolled", "items_done", "deadline", "note"]
        validators: list = []  # the action says "该区县该年度已有帮扶计划"


class PlanViewSet(ExportMixin, ScopedModelViewSet):
    """中小微企业帮扶计划: per district and year, ``target``, ``enrolled``, ``items_done`` (done or
    不适用); ``rates`` on the detail's ``progress`` action."""

    # explicit order: Meta.ordering does not apply to the grouped (annotated) query, and pages must not shift
    queryset = (
        AssistancePlan.objects.with_progress()
        .select_related("district")
        .order_by("-year", "district_id", "pk")
    )
    serializer_class = PlanSerializer
    table_class = AssistancePlanTable
    export_filename = "中小微企业帮扶计划"
    filterset_class = AssistancePlanFilterSet

    def perform_create(self, serializer):
        serializer.instance = actions.plan_create(user=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k in ("target", "deadline", "note")}
        plan = actions.plan_update(user=self.request.user, plan=serializer.instance, data=data)
        serializer.instance = self.get_queryset().get(pk=plan.pk)

    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        plan = self.get_object()
        p = queries.plan_progress(plan, request.user)
        return Response({
            "target": p.target, "enrolled": p.enrolled, "items_done": p.items_done,
            "items_total": p.items_total, "rates": {r.code: _rate(r) for r in p.rates},
            "short_of_declared": [e.enterprise.uscc for e in p.short_of_declared],
            "short_of_training": [e.enterprise.uscc for e, _reason in p.short_of_training],
        })  # fmt: skip


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssistanceItem
        fields = ["item", "state", "done_on", "na_reason", "evidence_note", "evidence_name"]


class EntryListSerializer(serializers.ListSerializer):
    """A page of entries: the priority flags are asked once for the page (``queries.with_flags``)."""

    def to_representation(self, data):
        entries = list(data.all() if hasattr(data, "all") else data)
        return super().to_representation(queries.with_flags(entries))


class EntrySerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    district = serializers.CharField(source="plan.district_id", read_only=True)
    year = serializers.IntegerField(source="plan.year", read_only=True)
    team = serializers.CharField(source="team.name", read_only=True, default=None)
    items = ItemSerializer(many=True, read_only=True)
    rates = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()
    flags_no_data = serializers.SerializerMethodField()

    class Meta:
        model = AssistanceEntry
        fields = [
            "id", "plan", "district", "year", "enterprise", "enterprise_name", "team", "expert_group",
            "deadline", "priority", "strategy", "flags", "flags_no_data", "items", "rates",
        ]  # fmt: skip
        list_serializer_class = EntryListSerializer

    @staticmethod
    def _flags(entry) -> dict[str, bool | None]:
        if not hasattr(entry, FLAG_ATTRS[0]):
            queries.with_flags([entry])
        return {header: getattr(entry, attr) for attr, _name, header in queries.FLAG_FACTS}

    def get_flags(self, entry) -> list[str]:
        """The priority flags of 001 附件3 二(一)1 that hold (the page's names: 带病例, 在案整改)."""
        return [header for header, held in self._flags(entry).items() if held]

    def get_flags_no_data(self, entry) -> list[str]:
        """The flags no installed app can tell ("无数据"): neither held nor not held."""
        return [header for header, held in self._flags(entry).items() if held is None]

    def get_rates(self, entry) -> dict:
        return {r.code: _rate(r) for r in queries.entry_rates(entry)}


FLAG_ATTRS = [attr for attr, _name, _header in queries.FLAG_FACTS]


class ItemRecordSerializer(serializers.Serializer):
    item = serializers.ChoiceField(choices=[c for c, _l in rules.ITEMS])
    state = serializers.ChoiceField(choices=list(rules.ITEM_STATES))
    done_on = serializers.DateField(required=False, allow_null=True)
    na_reason = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.FileField(required=False, allow_null=True)


class EntryViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """帮扶企业: per employer the six ``items`` and the four ``rates`` (``value`` null with a
    ``reason`` where the data's app does not exist yet). ``record`` sets one item."""

    queryset = (
        AssistanceEntry.objects.with_facts()
        .select_related("enterprise", "plan", "team")
        .prefetch_related(Prefetch("items", queryset=AssistanceItem.objects.order_by("pk")))
        .order_by("plan", "enterprise__name", "pk")  # as Meta.ordering, which the grouped query drops
    )
    serializer_class = EntrySerializer
    table_class = AssistanceEntryTable
    export_filename = "帮扶企业"
    filterset_class = AssistanceEntryFilterSet
    permission_action = None

    @action(detail=True, methods=["post"], permission_action="change", serializer_class=ItemRecordSerializer)
    def record(self, request, pk=None):
        entry = self.get_object()
        data = ItemRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        item = entry.items.get(item=values.pop("item"))
        actions.item_record(user=request.user, item=item, **values)
        return Response(EntrySerializer(self.get_queryset().get(pk=entry.pk)).data)
