"""Viewsets of the steward service: scoped (``ScopedModelViewSet``), writes through ``actions``."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from ohsteward.core.api.viewsets import ExportMixin, ScopedModelViewSet
from ohsteward.stewardship import actions
from ohsteward.stewardship.api.serializers import (
    AgreementSerializer,
    RenewSerializer,
    SupplementSerializer,
    TeamSerializer,
    TerminateSerializer,
    VisitConfirmSerializer,
    VisitMoveSerializer,
    VisitRecordSerializer,
    VisitSerializer,
    _contents,
)
from ohsteward.stewardship.choices import AgreementStatus
from ohsteward.stewardship.filtersets import (
    ServiceAgreementFilterSet,
    ServiceVisitFilterSet,
    StewardTeamFilterSet,
)
from ohsteward.stewardship.models import ServiceAgreement, ServiceVisit, StewardTeam, TeamMember
from ohsteward.stewardship.tables import ServiceAgreementTable, ServiceVisitTable, StewardTeamTable


class TeamViewSet(ExportMixin, ScopedModelViewSet):
    """管家服务团队 with nested ``members``; ``missing_qualifications`` / ``complete`` computed."""

    queryset = StewardTeam.objects.select_related("district", "lead_institution").prefetch_related(
        Prefetch("members", queryset=TeamMember.objects.order_by("qualification", "name")), "service_area"
    )
    serializer_class = TeamSerializer
    filterset_class = StewardTeamFilterSet
    table_class = StewardTeamTable
    export_filename = "管家服务团队"

    def _split(self, serializer):
        data = dict(serializer.validated_data)
        members = data.pop("members", None)
        service_area = data.pop("service_area", None)
        return data, members, service_area

    def perform_create(self, serializer):
        data, members, service_area = self._split(serializer)
        serializer.instance = actions.team_create(
            user=self.request.user, data=data, members=members or [], service_area=service_area or []
        )

    def perform_update(self, serializer):
        data, members, service_area = self._split(serializer)
        serializer.instance = actions.team_update(
            user=self.request.user,
            team=serializer.instance,
            data=data,
            members=members,
            service_area=service_area,
        )


class AgreementViewSet(ExportMixin, ScopedModelViewSet):
    """管家服务协议; ``renew``, ``terminate``, ``sign`` and ``supplement`` call the actions."""

    queryset = ServiceAgreement.objects.select_related("team", "enterprise", "renewal").prefetch_related(
        "contents", "funding"
    )
    serializer_class = AgreementSerializer
    filterset_class = ServiceAgreementFilterSet
    table_class = ServiceAgreementTable
    export_filename = "管家服务协议"
    permission_action = None  # set per action below (RolePermission)

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = actions.agreement_create(
            user=self.request.user,
            team=d["team"],
            enterprise=d["enterprise"],
            sign=d.get("status") == AgreementStatus.ACTIVE,
            **serializer.action_kwargs(),
        )

    def perform_update(self, serializer):
        given, kwargs = serializer.validated_data, serializer.action_kwargs()
        data = {key: given[key] for key in ("start_date", "end_date", "fee", "note") if key in given}
        serializer.instance = actions.agreement_update(
            user=self.request.user,
            agreement=serializer.instance,
            data=data,
            contents=kwargs.get("contents"),
            funding=kwargs.get("funding"),
        )

    def _answer(self, agreement, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=agreement.pk)
        return Response(AgreementSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=RenewSerializer, responses={201: AgreementSerializer}, summary="续签（新协议，链接到原协议）"
    )
    @action(detail=True, methods=["post"], permission_action="add")
    def renew(self, request, pk=None):
        agreement = self.get_object()
        s = RenewSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        new = actions.agreement_renew(
            user=request.user,
            agreement=agreement,
            years=d["years"],
            start_date=d.get("starts_on"),
            end_date=d.get("ends_on"),
        )
        return self._answer(new, status.HTTP_201_CREATED)

    @extend_schema(request=TerminateSerializer, responses={200: AgreementSerializer}, summary="解除协议")
    @action(detail=True, methods=["post"], permission_action="change")
    def terminate(self, request, pk=None):
        agreement = self.get_object()
        s = TerminateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        actions.agreement_terminate(user=request.user, agreement=agreement, **s.validated_data)
        return self._answer(agreement)

    @extend_schema(request=None, responses={200: AgreementSerializer}, summary="签订草拟协议（生成服务日程）")
    @action(detail=True, methods=["post"], permission_action="change")
    def sign(self, request, pk=None):
        agreement = self.get_object()
        actions.agreement_sign(user=request.user, agreement=agreement)
        return self._answer(agreement)

    @extend_schema(request=SupplementSerializer, responses={200: AgreementSerializer}, summary="签订补充协议")
    @action(detail=True, methods=["post"], permission_action="change")
    def supplement(self, request, pk=None):
        agreement = self.get_object()
        s = SupplementSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        actions.agreement_supplement(
            user=request.user,
            agreement=agreement,
            signed_on=d["signed_on"],
            contents=_contents(d["contents"]),
            note=d.get("note", ""),
        )
        return self._answer(agreement)


class VisitViewSet(ExportMixin, ScopedModelViewSet):
    """服务日程与记录. ``?due=month`` 本月应办, ``?due=overdue`` 已逾期."""

    queryset = ServiceVisit.objects.select_related("agreement__enterprise").prefetch_related("evidence")
    serializer_class = VisitSerializer
    filterset_class = ServiceVisitFilterSet
    table_class = ServiceVisitTable
    export_filename = "管家服务记录"
    http_method_names = ["get", "post", "head", "options"]
    permission_action = None

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        agreement = d.pop("agreement")
        files = self.request.FILES.getlist("evidence") if hasattr(self.request, "FILES") else []
        serializer.instance = actions.visit_record(
            user=self.request.user, agreement=agreement, data=d, files=files
        )

    def _answer(self, visit):
        fresh = self.get_queryset().get(pk=visit.pk)
        return Response(VisitSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        request=VisitRecordSerializer, responses={200: VisitSerializer}, summary="记录计划中的服务"
    )
    @action(detail=True, methods=["post"], permission_action="add")
    def record(self, request, pk=None):
        visit = self.get_object()
        s = VisitRecordSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = {"content": visit.content, **s.validated_data}
        actions.visit_record(
            user=request.user,
            agreement=visit.agreement,
            visit=visit,
            data=data,
            files=request.FILES.getlist("evidence"),
        )
        return self._answer(visit)

    @extend_schema(request=VisitMoveSerializer, responses={200: VisitSerializer}, summary="改期")
    @action(detail=True, methods=["post"], permission_action="change")
    def move(self, request, pk=None):
        visit = self.get_object()
        s = VisitMoveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        actions.visit_move(user=request.user, visit=visit, planned_on=s.validated_data["planned_on"])
        return self._answer(visit)

    @extend_schema(
        request=VisitConfirmSerializer, responses={200: VisitSerializer}, summary="企业确认并评价（1–5 分）"
    )
    @action(detail=True, methods=["post"], permission_action="change")
    def confirm(self, request, pk=None):
        visit = self.get_object()
        s = VisitConfirmSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        actions.visit_confirm(user=request.user, visit=visit, **s.validated_data)
        return self._answer(visit)
