"""API of training: ``trainings/`` (sessions) and ``training-records/`` (names fixed by issue 10),
and the read-only ``training-needs/`` (needs raised from visit findings), each with ``export/``.
Writes go through ``actions``."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from rest_framework import serializers

from ohsteward.core.api.viewsets import ExportMixin, ScopedModelViewSet, ScopedReadOnlyModelViewSet
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship.training import actions, rules
from ohsteward.stewardship.training.filtersets import (
    TrainingNeedFilterSet,
    TrainingRecordFilterSet,
    TrainingSessionFilterSet,
)
from ohsteward.stewardship.training.models import TrainingNeed, TrainingRecord, TrainingSession
from ohsteward.stewardship.training.tables import (
    TrainingNeedTable,
    TrainingRecordTable,
    TrainingSessionTable,
)


class PersonSerializer(serializers.Serializer):
    enterprise = serializers.CharField(required=False, help_text="统一社会信用代码（多家单位的培训必填）")
    name = serializers.CharField(max_length=50)
    role = serializers.ChoiceField(choices=list(rules.ROLES))


class TrainingSerializer(serializers.ModelSerializer):
    enterprises = serializers.SlugRelatedField(
        slug_field="uscc", many=True, queryset=Enterprise.objects.all(), help_text="用人单位统一社会信用代码"
    )
    team = serializers.CharField(source="team.name", read_only=True, default=None)
    people = PersonSerializer(many=True, write_only=True, required=False)
    trained = serializers.IntegerField(
        source="trained_count", read_only=True, help_text="已登记学时的参训人数"
    )

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "held_on",
            "topic",
            "trainer",
            "hours",
            "mode",
            "enterprises",
            "team",
            "note",
            "people",
            "trained",
        ]


class TrainingViewSet(ExportMixin, ScopedModelViewSet):
    """培训（现场/线上）：日期、主题、授课人、学时、方式、用人单位和参训人员（``people`` 仅写入，
    每人生成一条培训记录）。管家团队为其服务单位登记，用人单位为本单位登记，疾控中心作为授课方登记。"""

    queryset = (
        TrainingSession.objects.select_related("team")
        .prefetch_related("enterprises")
        .order_by("-held_on", "-pk")
    )
    serializer_class = TrainingSerializer
    table_class = TrainingSessionTable
    export_filename = "培训"
    filterset_class = TrainingSessionFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        """``trained``: the session's records the viewer sees (not another employer's people)."""
        seen = (
            TrainingRecord.objects.for_user(self.request.user)
            .filter(session=OuterRef("pk"))
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset().annotate(trained_count=Coalesce(Subquery(seen), 0))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        people = []
        for p in data.pop("people", []):
            uscc = (p.get("enterprise") or "").upper()
            enterprise = next((e for e in data["enterprises"] if e.uscc == uscc), None) if uscc else None
            people.append({"name": p["name"], "role": p["role"], "enterprise": enterprise})
        session = actions.session_create(user=self.request.user, **data, people=people)
        serializer.instance = self.get_queryset().get(pk=session.pk)


class TrainingRecordSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="trainee.name", max_length=50)
    role = serializers.ChoiceField(source="trainee.role", choices=list(rules.ROLES))
    enterprise = serializers.SlugRelatedField(slug_field="uscc", queryset=Enterprise.objects.all())
    session = serializers.PrimaryKeyRelatedField(read_only=True)
    course = serializers.CharField(required=False, allow_blank=True, default="")
    lecture = serializers.CharField(source="lecture.title", read_only=True, default=None)

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "person_name",
            "role",
            "enterprise",
            "hours",
            "trained_on",
            "session",
            "lecture",
            "course",
        ]


class TrainingRecordViewSet(ExportMixin, ScopedModelViewSet):
    """培训记录：每人每次培训的学时（``person_name``、``role`` 主要负责人 principal / 职业卫生管理人员
    manager / 接害劳动者 exposed / 其他 other、``enterprise``、``hours``、``session`` 或 ``course``、
    ``trained_on``）。"""

    queryset = TrainingRecord.objects.select_related("trainee", "enterprise", "lecture").order_by(
        "-trained_on", "-pk"
    )
    serializer_class = TrainingRecordSerializer
    table_class = TrainingRecordTable
    export_filename = "培训记录"
    filterset_class = TrainingRecordFilterSet
    http_method_names = ["get", "post", "head", "options"]  # a record is corrected by a new one

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        trainee = data.pop("trainee")
        serializer.instance = actions.record_add(
            user=self.request.user, name=trainee["name"], role=trainee["role"], **data
        )


class TrainingNeedSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True, help_text="统一社会信用代码")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    visit = serializers.IntegerField(source="finding.visit_id", read_only=True)
    status = serializers.CharField(
        source="state", read_only=True, help_text="due 待培训 / overdue 已逾期 / met 已培训"
    )
    met_on = serializers.DateField(read_only=True, allow_null=True, help_text="满足该需求的首次培训日期")

    class Meta:
        model = TrainingNeed
        fields = ["id", "enterprise", "enterprise_name", "finding", "visit", "topic", "raised_on", "due_on",
                  "status", "met_on"]  # fmt: skip


class TrainingNeedViewSet(ExportMixin, ScopedReadOnlyModelViewSet):
    """培训需求（只读）：管家服务发现问题提出的培训需求。``status``：due 待培训、overdue 已逾期
    （过了应完成日期仍未培训）、met 已培训（提出后为该单位举办过培训）；``?enterprise=`` 统一社会信用代码，
    ``?status=``。由服务记录页面提出。"""

    queryset = TrainingNeed.objects.select_related("enterprise", "finding").order_by("due_on", "pk")
    serializer_class = TrainingNeedSerializer
    table_class = TrainingNeedTable
    export_filename = "培训需求"
    filterset_class = TrainingNeedFilterSet

    def get_queryset(self):
        return super().get_queryset().with_state(timezone.localdate())
