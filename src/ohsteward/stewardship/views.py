"""Pages of the steward service, declared on core's base views."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core.views import ImportView as BaseImportView
from ohsteward.core.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    ProtectedView,
    ScopedObjectMixin,
    apply_errors,
    messages_of,
)
from ohsteward.registry.forms import ImportForm
from ohsteward.stewardship import actions, followups, queries, rules
from ohsteward.stewardship.choices import AgreementStatus, VisitStatus
from ohsteward.stewardship.filtersets import (
    ServiceAgreementFilterSet,
    ServiceVisitFilterSet,
    StewardTeamFilterSet,
)
from ohsteward.stewardship.forms import (
    AgreementForm,
    ConfirmForm,
    EvidenceForm,
    MemberForm,
    MoveForm,
    RenewForm,
    SignForm,
    SupplementForm,
    TeamForm,
    TerminateForm,
    VisitRecordForm,
)
from ohsteward.stewardship.importers import AgreementImporter, TeamImporter
from ohsteward.stewardship.models import (
    ServiceAgreement,
    ServiceVisit,
    StewardTeam,
    TeamMember,
    TrainingNeed,
    VisitEvidence,
)
from ohsteward.stewardship.tables import ServiceAgreementTable, ServiceVisitTable, StewardTeamTable
from ohsteward.stewardship.zone.forms import FindingForm

# --------------------------------------------------------------------------------------------
# Teams and members
# --------------------------------------------------------------------------------------------


class TeamListView(ObjectListView):
    queryset = StewardTeam.objects.all()
    filterset = StewardTeamFilterSet
    table = StewardTeamTable
    permission = "stewardship.view_stewardteam"
    title, unit, export_filename = "管家服务团队", "个", "管家服务团队"
    template_name = "stewardship/team_list.html"


class TeamDetailView(ObjectDetailView):
    queryset = StewardTeam.objects.select_related("district", "lead_institution").prefetch_related(
        Prefetch("members", queryset=TeamMember.objects.select_related("institution")), "service_area"
    )
    permission = "stewardship.view_stewardteam"
    template_name = "stewardship/team_detail.html"

    def get_context_data(self, **context):
        team, today = context["object"], timezone.localdate()
        missing = team.missing_qualifications(today)
        expired = [m for m in team.members.all() if not rules.certificate_valid(
            rules.MemberFact(m.name, m.qualification, m.valid_until), today)]  # fmt: skip
        agreements = [
            (a, a.status_label_on(today))
            for a in ServiceAgreement.objects.for_user(self.request.user)
            .filter(team=team)
            .select_related("enterprise")
            .order_by("-start_date")[:50]
        ]
        return {
            **context,
            "today": today,
            "missing": missing,
            "missing_text": rules.missing_text(missing),
            "expiring": team.expiring_members(today),
            "expired": expired,
            "warning_days": rules.EXPIRY_WARNING_DAYS,
            "agreements": agreements,
            # the team's indicator page (indicators.views: regulators, and the team's own members)
            "team_indicators": self.request.user.has_perm("indicators.view_indicator")
            or access.own_team_id(self.request.user) == team.pk,
        }


class TeamCreateView(ObjectFormView):
    queryset = StewardTeam.objects.all()
    permission = "stewardship.add_stewardteam"
    form = TeamForm
    form_takes_user = True
    create = True
    one_time_submission = True
    action = actions.team_create
    template_name = "stewardship/form.html"

    def action_kwargs(self, form, obj):
        return form.action_data()

    def get_context_data(self, **context):
        return {**context, "title": "组建管家服务团队"}


class TeamEditView(ObjectFormView):
    queryset = StewardTeam.objects.all()
    permission = "stewardship.change_stewardteam"
    form = TeamForm
    form_takes_user = True
    action = actions.team_update
    object_keyword = "team"
    template_name = "stewardship/form.html"

    def action_kwargs(self, form, obj):
        return {"team": obj, **form.action_data()}


def member_add(*, user, team: StewardTeam, data: dict) -> StewardTeam:
    """``actions.member_create``, answering the team (the page's object, re-checked in scope)."""
    actions.member_create(user=user, team=team, data=data)
    return team


def supplement_add(*, user, agreement: ServiceAgreement, **data) -> ServiceAgreement:
    """``actions.agreement_supplement``, answering the agreement (re-checked in scope)."""
    actions.agreement_supplement(user=user, agreement=agreement, **data)
    return agreement


class MemberCreateView(ObjectFormView):
    """A member is added on its team's page: the URL names the team."""

    queryset = StewardTeam.objects.all()
    permission = "stewardship.change_stewardteam"
    form = MemberForm
    form_takes_user = True
    action = member_add
    template_name = "stewardship/form.html"

    def get_form(self, obj):
        kwargs = {"data": self.request.POST or None, "user": self.request.user}
        return self.form(**kwargs)

    def action_kwargs(self, form, obj):
        return {"team": obj, "data": form.action_data()}

    def success_url(self, obj):
        return reverse("stewardship:team_detail", args=[obj.pk])

    def get_context_data(self, **context):
        return {**context, "heading": f"添加团队成员：{context['object']}"}


class MemberEditView(ObjectFormView):
    queryset = TeamMember.objects.select_related("team")
    permission = "stewardship.change_stewardteam"
    form = MemberForm
    form_takes_user = True
    action = actions.member_update
    object_keyword = "member"
    template_name = "stewardship/form.html"

    def success_url(self, obj):
        return reverse("stewardship:team_detail", args=[obj.team_id])


class MemberDeleteView(ObjectActionView):
    queryset = TeamMember.objects.select_related("team")
    permission = "stewardship.change_stewardteam"
    action = actions.member_delete
    object_keyword = "member"
    success_message = "已删除该成员。"

    def success_url(self, obj):
        return reverse("stewardship:team_detail", args=[obj.team_id])


# --------------------------------------------------------------------------------------------
# Agreements
# --------------------------------------------------------------------------------------------


class AgreementListView(ObjectListView):
    queryset = ServiceAgreement.objects.all()
    filterset = ServiceAgreementFilterSet
    table = ServiceAgreementTable
    permission = "stewardship.view_serviceagreement"
    title, unit, export_filename = "管家服务协议", "份", "管家服务协议"
    template_name = "stewardship/agreement_list.html"


class AgreementDetailView(ObjectDetailView):
    queryset = ServiceAgreement.objects.select_related(
        "team", "enterprise__region", "renewed_from"
    ).prefetch_related("contents__supplement", "funding", "supplements")
    permission = "stewardship.view_serviceagreement"
    template_name = "stewardship/agreement_detail.html"

    def get_context_data(self, **context):
        agreement, today = context["object"], timezone.localdate()
        visits = list(agreement.visits.order_by("planned_on", "visited_on", "pk"))
        for v in visits:
            v.state = v.state_on(today)
        renewal = ServiceAgreement.objects.for_user(self.request.user).filter(renewed_from=agreement).first()
        return {
            **context,
            "today": today,
            "status": agreement.status_on(today),
            "status_label": agreement.status_label_on(today),
            "visits": visits,
            "renewal": renewal,
            "terminate_form": TerminateForm(),
            "renew_form": RenewForm(),
            "sign_form": SignForm(),
            "may_change": self.request.user.has_perm("stewardship.change_serviceagreement"),
            "may_add": self.request.user.has_perm("stewardship.add_serviceagreement"),
            "may_record": self.request.user.has_perm("stewardship.add_servicevisit"),
        }


class AgreementCreateView(ObjectFormView):
    queryset = ServiceAgreement.objects.all()
    permission = "stewardship.add_serviceagreement"
    form = AgreementForm
    form_takes_user = True
    create = True
    one_time_submission = True
    action = actions.agreement_create
    template_name = "stewardship/form.html"

    def action_kwargs(self, form, obj):
        return form.action_data()

    def get_context_data(self, **context):
        return {**context, "title": "新建管家服务协议"}


class AgreementSupplementView(ObjectFormView):
    queryset = ServiceAgreement.objects.select_related("team", "enterprise")
    permission = "stewardship.change_serviceagreement"
    form = SupplementForm
    form_takes_user = True
    action = supplement_add
    template_name = "stewardship/form.html"

    def get_form(self, obj):
        return self.form(data=self.request.POST or None, user=self.request.user)

    def action_kwargs(self, form, obj):
        return {"agreement": obj, **form.action_data()}

    def success_url(self, obj):
        return reverse("stewardship:agreement_detail", args=[obj.pk])

    def get_context_data(self, **context):
        return {**context, "heading": f"签订补充协议：{context['object']}"}


class AgreementSignView(ObjectActionView):
    queryset = ServiceAgreement.objects.all()
    permission = "stewardship.change_serviceagreement"
    form = SignForm
    action = actions.agreement_sign
    object_keyword = "agreement"
    success_message = "协议已签订，服务日程已生成。"


class AgreementTerminateView(ObjectActionView):
    queryset = ServiceAgreement.objects.all()
    permission = "stewardship.change_serviceagreement"
    form = TerminateForm
    action = actions.agreement_terminate
    object_keyword = "agreement"
    success_message = "协议已解除。"


class AgreementRenewView(ObjectActionView):
    queryset = ServiceAgreement.objects.all()
    permission = "stewardship.add_serviceagreement"
    form = RenewForm
    action = actions.agreement_renew
    object_keyword = "agreement"
    success_message = "已续签：新协议已签订并生成服务日程。"


# --------------------------------------------------------------------------------------------
# Calendar and records
# --------------------------------------------------------------------------------------------


class VisitListView(ObjectListView):
    queryset = ServiceVisit.objects.all()
    filterset = ServiceVisitFilterSet
    table = ServiceVisitTable
    permission = "stewardship.view_servicevisit"
    title, unit, export_filename = "服务日程与记录", "条", "管家服务记录"
    template_name = "stewardship/visit_list.html"

    def get_queryset(self):
        if not hasattr(self, "_visits"):  # once per request: visits_for reads the agreement ids
            self._visits = queries.visits_for(self.request.user)
        return self._visits.all()

    def get_context_data(self, **context):
        counts = queries.due_counts(self.get_queryset(), timezone.localdate())
        return {**context, "due_count": counts["due"], "overdue_count": counts["overdue"]}


class VisitDetailView(ObjectDetailView):
    queryset = ServiceVisit.objects.select_related(
        "agreement__team", "agreement__enterprise", "recorded_by", "confirmed_by"
    ).prefetch_related("evidence")
    permission = "stewardship.view_servicevisit"
    template_name = "stewardship/visit_detail.html"

    def get_context_data(self, **context):
        visit, user = context["object"], self.request.user
        return {
            **context,
            "state": visit.state_on(timezone.localdate()),
            "may_record": user.has_perm("stewardship.add_servicevisit")
            and visit.status == VisitStatus.PLANNED,
            "may_move": user.has_perm("stewardship.change_servicevisit")
            and visit.status == VisitStatus.PLANNED,
            "may_confirm": access.own_enterprise_id(user) == visit.agreement.enterprise_id
            and visit.status == VisitStatus.DONE
            and visit.confirmed_at is None,
            "may_add_evidence": user.has_perm("stewardship.add_servicevisit")
            and visit.status == VisitStatus.DONE,
            "move_form": MoveForm(initial={"planned_on": visit.planned_on}),
            "confirm_form": ConfirmForm(),
            "evidence_form": EvidenceForm(),
            "structured": _findings_with_follow_ups(user, visit),
            "finding_form": FindingForm(),
            "may_raise": user.has_perm("stewardship.change_visitfinding")
            and access.own_enterprise_id(user) is None,
            "rectification_available": followups.rectification_available(),
            "unavailable": followups.UNAVAILABLE,
        }


def _findings_with_follow_ups(user, visit) -> list:
    """The visit's findings, each with ``rectification`` (a ``followups.Rectification`` or None)
    and ``need`` (its training need with ``state``, or None) as the user may see them."""
    findings = list(visit.structured_findings.order_by("pk"))
    ids = [f.pk for f in findings]
    tasks = followups.rectifications(user, ids)
    needs = {
        n.finding_id: n
        for n in TrainingNeed.objects.for_user(user)
        .with_state(timezone.localdate())
        .filter(finding_id__in=ids)
    }
    for f in findings:
        f.rectification = tasks.get(f.pk)
        f.need = needs.get(f.pk)
    return findings


class VisitRecordView(ObjectFormView):
    """Record a planned calendar entry as done (the phone form)."""

    queryset = ServiceVisit.objects.select_related("agreement")
    permission = "stewardship.add_servicevisit"
    form = VisitRecordForm
    form_takes_user = True
    action = actions.visit_record
    template_name = "stewardship/visit_form.html"

    def get_form(self, obj):
        initial = {"content": obj.content, "visited_on": timezone.localdate()} if obj else {}
        return self.form(
            data=self.request.POST or None, files=self.request.FILES or None, initial=initial,
            user=self.request.user,
        )  # fmt: skip

    def action_kwargs(self, form, obj):
        return {"agreement": obj.agreement, "visit": obj, **form.action_data()}

    def success_url(self, obj):
        return reverse("stewardship:visit_detail", args=[obj.pk])

    def get_context_data(self, **context):
        return {**context, "agreement": context["object"].agreement}


class VisitNewView(ScopedObjectMixin, ProtectedView):
    """Record a visit that was not on the calendar, under the agreement named in the URL."""

    queryset = ServiceAgreement.objects.select_related("team", "enterprise")
    permission = "stewardship.add_servicevisit"
    template_name = "stewardship/visit_form.html"

    def render_form(self, form, agreement):
        return render(
            self.request, self.template_name, {"form": form, "agreement": agreement, "object": None}
        )

    def get(self, request, pk):
        agreement = self.get_object()
        return self.render_form(VisitRecordForm(initial={"visited_on": timezone.localdate()}), agreement)

    def post(self, request, pk):
        agreement = self.get_object()
        form = VisitRecordForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    visit = actions.visit_record(user=request.user, agreement=agreement, **form.action_data())
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, messages_of(error))
            else:
                messages.success(request, "服务记录已保存。")
                return redirect(visit.get_absolute_url())
        return self.render_form(form, agreement)


class VisitMoveView(ObjectActionView):
    queryset = ServiceVisit.objects.select_related("agreement")
    permission = "stewardship.change_servicevisit"
    form = MoveForm
    action = actions.visit_move
    object_keyword = "visit"
    success_message = "已改期。"


class VisitConfirmView(ObjectActionView):
    queryset = ServiceVisit.objects.select_related("agreement")
    permission = "stewardship.change_servicevisit"
    form = ConfirmForm
    action = actions.visit_confirm
    object_keyword = "visit"
    success_message = "已确认并评价，谢谢。"


class VisitEvidenceView(ScopedObjectMixin, ProtectedView):
    """POST files to a recorded visit."""

    http_method_names = ["post"]
    queryset = ServiceVisit.objects.select_related("agreement")
    permission = "stewardship.add_servicevisit"

    def post(self, request, pk):
        visit = self.get_object()
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        else:
            try:
                actions.visit_add_evidence(user=request.user, visit=visit, files=form.cleaned_data["files"])
            except (ValidationError, PermissionDenied) as error:  # shown; nothing saved
                messages.error(request, messages_of(error))
            else:
                messages.success(request, "已上传。")
        return redirect(visit.get_absolute_url())


class EvidenceDownloadView(ScopedObjectMixin, ProtectedView):
    """The bytes of one evidence file, to whoever may see its visit (404 otherwise)."""

    queryset = ServiceVisit.objects.all()
    permission = "stewardship.view_servicevisit"

    def get(self, request, pk, evidence_pk):
        visit = self.get_object()
        evidence = VisitEvidence.objects.select_related("file").filter(visit=visit, pk=evidence_pk).first()
        if evidence is None:
            raise Http404("文件不存在")
        media_type, shown = rules.evidence_media_type(evidence.name)  # stored type: as declared
        response = HttpResponse(bytes(evidence.file.data), content_type=media_type)
        disposition = "inline" if shown else "attachment"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(evidence.name)}"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class WorkView(ProtectedView):
    """The team's desk (本月应办, 已逾期) and, for regulators, each team's delivery against its
    agreements (planned vs done per content) with the ratings."""

    permission = "stewardship.view_servicevisit"

    def get(self, request):
        today = timezone.localdate()
        visits = queries.visits_for(request.user).select_related("agreement__enterprise", "agreement__team")
        due = list(visits.due_in_month(today).order_by("planned_on", "pk")[:200])
        overdue = list(visits.overdue(today).order_by("planned_on", "pk")[:200])
        ending = (
            ServiceAgreement.objects.for_user(request.user)
            .filter(
                status=AgreementStatus.ACTIVE,
                end_date__gte=today,
                end_date__lte=today + dt.timedelta(days=60),
            )
            .select_related("enterprise", "team")
            .order_by("end_date")[:50]
        )
        # an employer's manager: the recorded visits waiting for its confirmation and rating
        to_confirm = []
        if access.own_enterprise_id(request.user):
            to_confirm = list(
                visits.filter(status=VisitStatus.DONE, confirmed_at__isnull=True).order_by("-visited_on")[:50]
            )
        return render(
            request,
            "stewardship/work.html",
            {
                "today": today,
                "to_confirm": to_confirm,
                "due": due,
                "overdue": overdue,
                "ending": ending,
                "delivery": queries.delivery(queries.visits_for(request.user), today),
            },
        )


# --------------------------------------------------------------------------------------------
# Imports
# --------------------------------------------------------------------------------------------


class TeamImportView(BaseImportView):
    importer = TeamImporter()
    kind = "stewardship.team"
    permission = "stewardship.add_stewardteam"
    form_class = ImportForm
    title = "导入管家服务团队"
    url_names = {
        "upload": "stewardship:team_import",
        "template": "stewardship:team_import_template",
        "confirm": "stewardship:team_import_confirm",
        "errors": "stewardship:team_import_errors",
        "done": "stewardship:team_list",
    }


class AgreementImportView(BaseImportView):
    importer = AgreementImporter()
    kind = "stewardship.agreement"
    permission = "stewardship.add_serviceagreement"
    form_class = ImportForm
    title = "导入管家服务协议"
    url_names = {
        "upload": "stewardship:agreement_import",
        "template": "stewardship:agreement_import_template",
        "confirm": "stewardship:agreement_import_confirm",
        "errors": "stewardship:agreement_import_errors",
        "done": "stewardship:agreement_list",
    }
