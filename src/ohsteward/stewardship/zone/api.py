"""API of the online service zone, read-only: ``team-requests/``, ``expert-questions/`` and
``visit-findings/`` (the structured findings the risk classification reads), each with
``export/``. Writes are the zone's pages (they go through ``actions``)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ohsteward.core.api.viewsets import ExportMixin, ScopedReadOnlyModelViewSet
from ohsteward.stewardship import followups
from ohsteward.stewardship.training.models import TrainingNeed
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


class RectificationFollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(help_text="open 整改中 / overdue 整改已逾期 / closed 已复测合格")
    state = serializers.CharField(help_text="状态说明")
    deadline = serializers.DateField()


class TrainingNeedFollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="due 待培训 / overdue 已逾期 / met 已培训")
    due_on = serializers.DateField()


class VisitFindingSerializer(serializers.ModelSerializer):
    """A finding and its follow-ups as the viewer may see them: ``rectification`` (the 整改任务 of the
    monitoring app) and ``training_need``, each null when none was raised (or it is out of scope)."""

    enterprise = serializers.CharField(source="visit.agreement.enterprise.uscc", read_only=True)
    visited_on = serializers.DateField(source="visit.visited_on", read_only=True)
    rectification = serializers.SerializerMethodField()
    training_need = serializers.SerializerMethodField()

    class Meta:
        model = VisitFinding
        fields = ["id", "visit", "enterprise", "visited_on", "category", "severity", "text",
                  "rectification", "training_need"]  # fmt: skip

    def _follow_ups(self, finding) -> dict:
        return self.context.get("follow_ups", {}).get(finding.pk, {})

    @extend_schema_field(RectificationFollowUpSerializer(allow_null=True))
    def get_rectification(self, finding) -> dict | None:
        task = self._follow_ups(finding).get("rectification")
        if task is None:
            return None
        return {"id": task.id, "status": task.status, "state": task.state, "deadline": task.deadline}

    @extend_schema_field(TrainingNeedFollowUpSerializer(allow_null=True))
    def get_training_need(self, finding) -> dict | None:
        need = self._follow_ups(finding).get("training_need")
        if need is None:
            return None
        return {"id": need.pk, "status": need.state, "due_on": need.due_on}


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

    def get_serializer(self, *args, **kwargs):
        """Look the shown findings' follow-ups up once per page (two queries), not per row."""
        if args and "context" not in kwargs:
            rows = args[0]
            findings = list(rows) if isinstance(rows, list | tuple) else [rows]
            kwargs["context"] = {**self.get_serializer_context(), "follow_ups": self._follow_ups(findings)}
        return super().get_serializer(*args, **kwargs)

    def _follow_ups(self, findings) -> dict[int, dict]:
        ids = [f.pk for f in findings if isinstance(f, VisitFinding)]
        if not ids:
            return {}
        user = self.request.user
        out: dict[int, dict] = {pk: {} for pk in ids}
        for pk, task in followups.rectifications(user, ids).items():
            out.setdefault(pk, {})["rectification"] = task
        needs = (
            TrainingNeed.objects.for_user(user).with_state(timezone.localdate()).filter(finding_id__in=ids)
        )
        for need in needs.order_by("pk"):
            out.setdefault(need.finding_id, {})["training_need"] = need
        return out
