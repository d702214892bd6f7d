"""Pages of the online service zone: the employer's zone (its team, requests, questions,
advice), the directory, requests and questions for both sides, and structured findings."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core.views import (
    ObjectDetailView,
    ObjectListView,
    ProtectedView,
    ScopedObjectMixin,
    apply_errors,
    messages_of,
)
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship.models import ServiceAgreement, ServiceVisit
from ohsteward.stewardship.zone import actions, queries, rules
from ohsteward.stewardship.zone.filtersets import (
    ExpertQuestionFilterSet,
    TeamRequestFilterSet,
    VisitFindingFilterSet,
)
from ohsteward.stewardship.zone.forms import AnswerForm, DecideForm, FindingForm, QuestionForm, RequestForm
from ohsteward.stewardship.zone.models import ExpertQuestion, TeamRequest, VisitFinding
from ohsteward.stewardship.zone.tables import ExpertQuestionTable, TeamRequestTable, VisitFindingTable


def own_enterprise(user) -> Enterprise:
    """The employer of an enterprise manager (404 for everyone else)."""
    found = Enterprise.objects.for_user(user).filter(pk=access.own_enterprise_id(user)).first()
    if found is None:
        raise Http404("服务专区只对用人单位开放")
    return found


class ZoneHomeView(ProtectedView):
    """The employer's zone: its team and agreement, its requests and questions with their
    history, advice from its declared factors, and the ways in (directory, library, ask)."""

    permission = "stewardship.add_expertquestion"
    template_name = "stewardship/zone_home.html"

    def get(self, request):
        enterprise = own_enterprise(request.user)
        today = timezone.localdate()
        agreement = (
            ServiceAgreement.objects.for_user(request.user)
            .in_force(today)
            .filter(enterprise=enterprise)
            .select_related("team")
            .order_by("-start_date")
            .first()
        )
        questions = list(
            ExpertQuestion.objects.for_user(request.user)
            .filter(enterprise=enterprise)
            .select_related("team", "district")
            .order_by("-asked_on", "-pk")[:50]
        )
        requests = list(
            TeamRequest.objects.for_user(request.user)
            .filter(enterprise=enterprise)
            .select_related("team", "agreement")
            .order_by("-created_at", "-pk")[:20]
        )
        context = {
            "enterprise": enterprise,
            "agreement": agreement,
            "questions": [(q, q.state_on(today), q.state_label_on(today)) for q in questions],
            "requests": requests,
            "advice": queries.advice_for(enterprise.pk),
            "topics": rules.ADVICE_TOPICS,
            "answer_days": settings.OHSTEWARD_EXPERT_ANSWER_DAYS,
            "form": QuestionForm(),
        }
        return render(request, self.template_name, context)


class DirectoryView(ProtectedView):
    """Teams and technical service institutions serving the employer's district, in plain words."""

    permission = "stewardship.add_teamrequest"
    template_name = "stewardship/zone_directory.html"

    def get(self, request):
        enterprise = own_enterprise(request.user)
        today = timezone.localdate()
        pending = TeamRequest.objects.for_user(request.user).filter(enterprise=enterprise).pending().first()
        return render(
            request,
            self.template_name,
            {
                "enterprise": enterprise,
                "cards": queries.team_cards(enterprise, today),
                "institutions": list(queries.institutions_serving(enterprise)),
                "pending": pending,
                "form": RequestForm(),
                "today": today,
            },
        )


class RequestCreateView(ProtectedView):
    http_method_names = ["post"]
    permission = "stewardship.add_teamrequest"

    def post(self, request, team_pk):
        enterprise = own_enterprise(request.user)
        team = queries.teams_serving(enterprise).filter(pk=team_pk).first()
        if team is None:
            raise Http404("该团队不在本单位所在区县提供服务")
        form = RequestForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, "申请没有提交：" + "；".join(e for errs in form.errors.values() for e in errs)
            )
            return redirect("stewardship:zone_directory")
        try:
            made = actions.request_create(
                user=request.user, enterprise=enterprise, team=team, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, messages_of(error))
            return redirect("stewardship:zone_directory")
        messages.success(request, f"已向 {team.name} 提出申请，团队答复后您会在服务专区看到。")
        return redirect(made.get_absolute_url())


class RequestListView(ObjectListView):
    queryset = TeamRequest.objects.all()
    filterset = TeamRequestFilterSet
    table = TeamRequestTable
    permission = "stewardship.view_teamrequest"
    title, unit, export_filename = "服务团队申请", "件", "服务团队申请"


class RequestDetailView(ObjectDetailView):
    queryset = TeamRequest.objects.select_related(
        "enterprise", "team", "agreement", "requested_by", "decided_by"
    )
    permission = "stewardship.view_teamrequest"
    template_name = "stewardship/zone_request_detail.html"

    def get_context_data(self, **context) -> dict:
        req, user = context["object"], self.request.user
        return {
            **context,
            "may_decide": req.status == "pending"
            and access.own_team_id(user) == req.team_id
            and user.has_perm("stewardship.change_teamrequest"),
            "may_withdraw": req.status == "pending" and access.own_enterprise_id(user) == req.enterprise_id,
            "decide_form": DecideForm(),
        }


class RequestDecideView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = TeamRequest.objects.select_related("enterprise", "team")
    permission = "stewardship.change_teamrequest"

    def post(self, request, pk):
        req = self.get_object()
        form = DecideForm(request.POST)
        if form.is_valid():
            try:
                actions.request_decide(user=request.user, request=req, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, messages_of(error))
            else:
                if req.status == "accepted":
                    messages.success(request, "已接受申请并生成协议草稿，请补全服务内容、期限和费用后签订。")
                    return redirect(req.agreement.get_absolute_url())
                messages.success(request, "已婉拒，单位可以看到原因。")
        else:
            messages.error(request, "请选择接受或婉拒")
        return redirect(req.get_absolute_url())


class RequestWithdrawView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = TeamRequest.objects.select_related("enterprise")
    permission = "stewardship.add_teamrequest"

    def post(self, request, pk):
        req = self.get_object()
        try:
            actions.request_withdraw(user=request.user, request=req)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, messages_of(error))
        else:
            messages.success(request, "已撤回申请。")
        return redirect(req.get_absolute_url())


class QuestionListView(ObjectListView):
    queryset = ExpertQuestion.objects.all()
    filterset = ExpertQuestionFilterSet
    table = ExpertQuestionTable
    permission = "stewardship.view_expertquestion"
    title, unit, export_filename = "专家咨询", "个", "专家咨询"


class QuestionAskView(ProtectedView):
    """Ask a question (a phone form)."""

    permission = "stewardship.add_expertquestion"
    template_name = "stewardship/zone_question_form.html"

    def _render(self, request, form, enterprise):
        team = actions.route(enterprise, timezone.localdate())
        answerer = team.name if team else f"{enterprise.region.name if enterprise.region_id else ''}疾控中心"
        return render(
            request, self.template_name,
            {"form": form, "answerer": answerer, "days": settings.OHSTEWARD_EXPERT_ANSWER_DAYS},
        )  # fmt: skip

    def get(self, request):
        return self._render(request, QuestionForm(), own_enterprise(request.user))

    def post(self, request):
        enterprise = own_enterprise(request.user)
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                q = actions.question_ask(user=request.user, enterprise=enterprise, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, messages_of(error))
            else:
                messages.success(request, f"已提交，{q.answerer_label} 将在 {q.due_on:%Y-%m-%d} 前答复。")
                return redirect(q.get_absolute_url())
        return self._render(request, form, enterprise)


class QuestionDetailView(ObjectDetailView):
    queryset = ExpertQuestion.objects.select_related(
        "enterprise", "team", "district", "asked_by", "answered_by"
    )
    permission = "stewardship.view_expertquestion"
    template_name = "stewardship/zone_question_detail.html"

    def get_context_data(self, **context) -> dict:
        q = context["object"]
        today = timezone.localdate()
        history = (
            ExpertQuestion.objects.for_user(self.request.user)
            .filter(enterprise_id=q.enterprise_id)
            .exclude(pk=q.pk)
            .order_by("-asked_on", "-pk")[:20]
        )
        return {
            **context,
            "state": q.state_on(today),
            "state_label": q.state_label_on(today),
            "may_answer": q.answered_at is None and actions.may_answer(self.request.user, q),
            "answer_form": AnswerForm(),
            "history": [(h, h.state_label_on(today)) for h in history],
        }


class QuestionAnswerView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = ExpertQuestion.objects.select_related("team", "district")
    permission = "stewardship.change_expertquestion"

    def post(self, request, pk):
        q = self.get_object()
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                actions.question_answer(user=request.user, question=q, answer=form.cleaned_data["answer"])
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, messages_of(error))
            else:
                messages.success(request, "已答复。")
        else:
            messages.error(request, "请填写答复内容")
        return redirect(q.get_absolute_url())


class FindingListView(ObjectListView):
    queryset = VisitFinding.objects.all()
    filterset = VisitFindingFilterSet
    table = VisitFindingTable
    permission = "stewardship.view_visitfinding"
    title, unit, export_filename = "服务发现问题", "条", "服务发现问题"


class FindingAddView(ScopedObjectMixin, ProtectedView):
    http_method_names = ["post"]
    queryset = ServiceVisit.objects.select_related("agreement")
    permission = "stewardship.add_visitfinding"

    def post(self, request, pk):
        visit = self.get_object()
        form = FindingForm(request.POST)
        if form.is_valid():
            try:
                actions.finding_add(user=request.user, visit=visit, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, messages_of(error))
            else:
                messages.success(request, "已添加。")
        else:
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(visit.get_absolute_url())


class FindingRaiseView(ScopedObjectMixin, ProtectedView):
    """ "需整改" / "需培训" on a recorded finding (issue 10 item 3): ``what`` = rectify | train."""

    http_method_names = ["post"]
    queryset = VisitFinding.objects.select_related("visit__agreement")
    permission = "stewardship.change_visitfinding"

    def post(self, request, pk):
        finding = self.get_object()
        what = request.POST.get("what", "")
        try:
            actions.finding_raise(user=request.user, finding=finding, what=what)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, messages_of(error))
        else:
            messages.success(request, "已下达整改任务。" if what == "rectify" else "已提出培训需求。")
        return redirect(finding.get_absolute_url())
