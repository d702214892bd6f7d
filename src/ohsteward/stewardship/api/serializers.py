"""Serializers of the steward service API (field names fixed by issue 10)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from ohsteward.accounts import access
from ohsteward.registry.models import Enterprise, Region
from ohsteward.stewardship import rules
from ohsteward.stewardship.choices import AgreementStatus, FundingChannel, Qualification, ServiceContent
from ohsteward.stewardship.forms import institutions
from ohsteward.stewardship.models import ServiceAgreement, ServiceVisit, StewardTeam, TeamMember


class MemberSerializer(serializers.ModelSerializer):
    qualification = serializers.ChoiceField(choices=Qualification.choices)

    class Meta:
        model = TeamMember
        fields = ["name", "qualification", "certificate_no", "valid_until"]
        extra_kwargs = {"certificate_no": {"required": False}, "valid_until": {"required": False}}


class TeamSerializer(serializers.ModelSerializer):
    """A team with its members; ``missing_qualifications`` are the 五师两员 codes without a member
    holding a valid certificate today (000 二(一)); ``complete`` when there are none."""

    district = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.none())
    lead_institution = serializers.SlugRelatedField(
        slug_field="uscc", queryset=institutions(), required=False, allow_null=True
    )
    lead_institution_name = serializers.CharField(source="lead_institution.name", read_only=True, default="")
    service_area = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Region.objects.all(), required=False
    )
    members = MemberSerializer(many=True, required=False)
    missing_qualifications = serializers.SerializerMethodField()
    complete = serializers.SerializerMethodField()
    expiring_soon = serializers.SerializerMethodField()

    class Meta:
        model = StewardTeam
        fields = [
            "id", "name", "district", "level", "lead_institution", "lead_institution_name", "service_area",
            "contact_phone", "members", "missing_qualifications", "complete", "expiring_soon",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["district"].queryset = access.writable_districts(request.user)
        return fields

    def get_missing_qualifications(self, team) -> list[str]:
        return team.missing_qualifications(timezone.localdate())

    def get_complete(self, team) -> bool:
        return not team.missing_qualifications(timezone.localdate())

    def get_expiring_soon(self, team) -> list[dict]:
        return [
            {"name": m.name, "qualification": m.qualification, "valid_until": m.valid_until}
            for m in team.expiring_members(timezone.localdate())
        ]


class ContentSerializer(serializers.Serializer):
    content = serializers.ChoiceField(choices=ServiceContent.choices)
    quantity = serializers.IntegerField(min_value=1, default=1)


class FundingSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=FundingChannel.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)


def _contents(items) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item["content"]] = out.get(item["content"], 0) + item["quantity"]
    return out


class AgreementSerializer(serializers.ModelSerializer):
    """An agreement. ``status`` on create: ``draft`` (default) or ``active`` (signed at once, the
    service calendar generated); afterwards it is changed by the actions only."""

    team = serializers.PrimaryKeyRelatedField(queryset=StewardTeam.objects.none())
    team_name = serializers.CharField(source="team.name", read_only=True)
    enterprise = serializers.SlugRelatedField(
        slug_field="uscc",
        queryset=Enterprise.objects.none(),
        error_messages={"does_not_exist": "没有统一社会信用代码为 {value} 的用人单位，或不在您的管辖范围内"},
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    contents = ContentSerializer(many=True)
    starts_on = serializers.DateField(source="start_date")
    ends_on = serializers.DateField(source="end_date", required=False, allow_null=True)
    funding = FundingSerializer(many=True, required=False)
    status = serializers.ChoiceField(
        choices=[(AgreementStatus.DRAFT, "草拟"), (AgreementStatus.ACTIVE, "生效")], required=False
    )
    renewal = serializers.SerializerMethodField()

    class Meta:
        model = ServiceAgreement
        fields = [
            "id", "team", "team_name", "enterprise", "enterprise_name", "contents", "starts_on", "ends_on",
            "fee", "funding", "status", "signed_on", "renewed_from", "renewal", "terminated_on",
            "termination_reason", "note", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "signed_on", "renewed_from", "terminated_on", "termination_reason", "created_at", "updated_at",
        ]  # fmt: skip

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["team"].queryset = StewardTeam.objects.for_user(request.user)
            fields["enterprise"].queryset = Enterprise.objects.for_user(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["team"].read_only = True
            fields["enterprise"].read_only = True
            fields["status"].read_only = True
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["status"] = instance.status_on(timezone.localdate())
        data["contents"] = [
            {"content": c, "quantity": q, "unit": rules.quantity_unit(c)}
            for c, q in instance.content_quantities().items()
        ]
        data["funding"] = [{"channel": f.channel, "amount": str(f.amount)} for f in instance.funding.all()]
        return data

    def get_renewal(self, agreement) -> int | None:
        renewal = getattr(agreement, "renewal", None)
        return renewal.pk if renewal is not None else None

    def action_kwargs(self) -> dict:
        d = dict(self.validated_data)
        out = {
            "start_date": d.get("start_date"),
            "end_date": d.get("end_date"),
            "fee": d.get("fee"),
            "note": d.get("note", ""),
        }
        if "contents" in d:
            out["contents"] = _contents(d["contents"])
        if "funding" in d:
            out["funding"] = {f["channel"]: f["amount"] for f in d["funding"]}
        return out


class RenewSerializer(serializers.Serializer):
    years = serializers.IntegerField(min_value=1, max_value=5, default=1)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)


class TerminateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    terminated_on = serializers.DateField(required=False)


class SupplementSerializer(serializers.Serializer):
    signed_on = serializers.DateField()
    contents = ContentSerializer(many=True)
    note = serializers.CharField(max_length=300, required=False, default="")


class VisitSerializer(serializers.ModelSerializer):
    """A calendar entry / service record. Created (POST) = an extra visit recorded on site;
    planned ones are recorded with ``record``, moved with ``move``, confirmed with ``confirm``."""

    agreement = serializers.PrimaryKeyRelatedField(queryset=ServiceAgreement.objects.none())
    team = serializers.IntegerField(source="agreement.team_id", read_only=True)
    enterprise = serializers.CharField(source="agreement.enterprise.uscc", read_only=True)
    enterprise_name = serializers.CharField(source="agreement.enterprise.name", read_only=True)
    state = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    visited_on = serializers.DateField(required=True)
    work_done = serializers.CharField(required=True)

    class Meta:
        model = ServiceVisit
        fields = [
            "id", "agreement", "team", "enterprise", "enterprise_name", "content", "status", "state",
            "planned_on", "visited_on", "work_done", "findings", "advice", "trained_count",
            "confirmed_at", "rating", "rating_comment", "evidence", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "status", "planned_on", "confirmed_at", "rating", "rating_comment", "created_at", "updated_at",
        ]  # fmt: skip

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["agreement"].queryset = ServiceAgreement.objects.for_user(request.user)
        return fields

    def get_state(self, visit) -> str:
        return visit.state_on(timezone.localdate())

    def get_evidence(self, visit) -> list[dict]:
        return [{"id": e.pk, "name": e.name, "size": e.size} for e in visit.evidence.all()]


class VisitRecordSerializer(serializers.Serializer):
    visited_on = serializers.DateField()
    work_done = serializers.CharField()
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    advice = serializers.CharField(required=False, allow_blank=True, default="")
    trained_count = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class VisitMoveSerializer(serializers.Serializer):
    planned_on = serializers.DateField()


class VisitConfirmSerializer(serializers.Serializer):
    rating = serializers.IntegerField()
    comment = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
