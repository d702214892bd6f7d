"""API of the online service zone, read-only: ``team-requests/``, ``expert-questions/`` and
``visit-findings/`` (the structured findings the risk classification reads), each with
``export/``. Writes are the zone's pages (they go through ``actions``)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from ohsteward.core.api.viewsets import ExportMixin, ScopedReadOnlyModelViewSet
from ohsteward.stewardship.zone.filtersets import (
    ExpertQuestionFilterSet,
    TeamRequestFilterSet,
    VisitFindingFilterSet,
)
from ohsteward.stewardship.zone.models import ExpertQuestion, TeamRequest, VisitFinding
from ohsteward.stewardship.zone.tables import ExpertQuestionTable, TeamRequestTable, VisitFindingTable


class TeamRequestSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True)

    class Meta:
        model = TeamRequest
        fields = ["id", "enterprise", "team", "contents", "message", "status", "decline_reason",
                  "agreement", "created_at", "decided_at"]  # fmt: skip


class ExpertQuestionSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True)
    state = serializers.SerializerMethodField(help_text="open 待答复 / overdue 已超期 / answered 已答复")

    class Meta:
        model = ExpertQuestion
        fields = ["id", "enterprise", "topic", "question", "asked_on", "team", "district", "due_on",
                  "state", "answer", "answered_at"]  # fmt: skip

    def get_state(self, obj) -> str:
        return obj.state_on(timezone.localdate())


class VisitFindingSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="visit.agreement.enterprise.uscc", read_only=True)
    visited_on = serializers.DateField(source="visit.visited_on", read_only=True)

    class Meta:
        model = VisitFinding
        fields = ["id", "visit", "enterprise", "visited_on", "category", "severity", "text"]


class TeamRequestViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """服务团队申请：单位向团队提出的申请及团队的答复（只读）。"""

    queryset = TeamRequest.objects.select_related("enterprise").order_by("-created_at", "-pk")
    serializer_class = TeamRequestSerializer
    table_class = TeamRequestTable
    export_filename = "服务团队申请"
    filterset_class = TeamRequestFilterSet


class ExpertQuestionViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """专家咨询：问题、答复人（团队或区县疾控中心）、答复期限和状态（只读）。"""

    queryset = ExpertQuestion.objects.select_related("enterprise", "team", "district").order_by(
        "-asked_on", "-pk"
    )
    serializer_class = ExpertQuestionSerializer
    table_class = ExpertQuestionTable
    export_filename = "专家咨询"
    filterset_class = ExpertQuestionFilterSet


class VisitFindingViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """服务发现问题：管家服务记录中按类别和严重程度记录的问题（企业画像的输入，只读）。"""

    queryset = VisitFinding.objects.select_related("visit__agreement__enterprise").order_by(
        "-visit__visited_on", "pk"
    )
    serializer_class = VisitFindingSerializer
    table_class = VisitFindingTable
    export_filename = "服务发现问题"
    filterset_class = VisitFindingFilterSet
