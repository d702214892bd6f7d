"""Pages of training: sessions and records (lists, exports, phone forms, the records import), an
employer's people and 培训率, lectures with their quiz, questionnaires, the awareness rates, the
per-employer QR code and the anonymous answer page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View

from ohsteward.accounts import access
from ohsteward.accounts.lockout import request_address
from ohsteward.core.spreadsheets import xlsx_response
from ohsteward.core.views import ImportView as BaseImportView
from ohsteward.core.views import (
    ObjectDetailView,
    ObjectListView,
    ProtectedView,
    ScopedObjectMixin,
    apply_errors,
    messages_of,
)
from ohsteward.registry.forms import ImportForm
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship.training import actions, queries, rules
from ohsteward.stewardship.training.filtersets import TrainingRecordFilterSet, TrainingSessionFilterSet
from ohsteward.stewardship.training.forms import (
    LectureForm,
    QuestionnaireForm,
    RecordForm,
    SessionForm,
    SessionPeopleForm,
    TraineeForm,
)
from ohsteward.stewardship.training.importers import PeopleImporter, RecordImporter
from ohsteward.stewardship.training.models import (
    Lecture,
    Questionnaire,
    Trainee,
    TrainingRecord,
    TrainingSession,
)
from ohsteward.stewardship.training.tables import TrainingRecordTable, TrainingSessionTable

FORM = "stewardship/training_form.html"


def _form_page(request, form, title, cancel):
    return render(request, FORM, {"form": form, "title": title, "cancel": cancel})


class _ActionFormView(ProtectedView):
    """GET the form, POST it through ``save(form)``; errors stay on the form (nothing saved)."""

    form_class: type
    title = ""
    cancel = "stewardship:training_list"

    def make_form(self, request, instance=None):
        data = request.POST if request.method == "POST" else None
        files = request.FILES if request.method == "POST" else None
        return self.form_class(data, files, user=request.user, instance=instance)

    def get(self, request, *args, **kwargs):
        return _form_page(request, self.make_form(request, self.instance()), self.title, reverse(self.cancel))

    def instance(self):
        return None

    def post(self, request, *args, **kwargs):
        form = self.make_form(request, self.instance())
        if form.is_valid():
            try:
                obj = self.save(form)
            except ValidationError as error:
                apply_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, messages_of(error))
            else:
                messages.success(request, "已保存。修改已记入审计日志。")
                return redirect(self.done_url(obj))
        return _form_page(request, form, self.title, reverse(self.cancel))

    def save(self, form):  # pragma: no cover - every subclass says how
        raise NotImplementedError

    def done_url(self, obj) -> str:
        return obj.get_absolute_url()


# --- sessions and records ---------------------------------------------------------------------


class SessionListView(ObjectListView):
    queryset = TrainingSession.objects.all()
    filterset = TrainingSessionFilterSet
    table = TrainingSessionTable
    permission = "stewardship.view_trainingsession"
    title, unit, export_filename = "培训", "次", "培训"
    template_name = "stewardship/training_list.html"


class SessionCreateView(_ActionFormView):
    permission = "stewardship.add_trainingsession"
    form_class = SessionForm
    title = "登记培训"

    def save(self, form):
        data = dict(form.cleaned_data)
        return actions.session_create(user=self.request.user, **data)


class SessionDetailView(ObjectDetailView):
    queryset = TrainingSession.objects.select_related("team")
    permission = "stewardship.view_trainingsession"
    template_name = "stewardship/training_detail.html"

    def get_context_data(self, **context) -> dict:
        session = context["object"]
        records = (
            TrainingRecord.objects.for_user(self.request.user)
            .filter(session=session)
            .select_related("trainee", "enterprise")
            .order_by("enterprise__name", "trainee__name", "pk")
        )
        can_add = self.request.user.has_perm("stewardship.add_trainingrecord")
        return {
            **context,
            "records": records,
            "links": session.links.select_related("enterprise"),
            "people_form": SessionPeopleForm(session=session) if can_add else None,
            "held": session.held_on <= timezone.localdate(),
        }

    def post(self, request, pk):
        """Add people of one of the session's employers (the session's hours each)."""
        session = self.get_object()
        if not request.user.has_perm("stewardship.add_trainingrecord"):
            raise PermissionDenied
        form = SessionPeopleForm(request.POST, session=session)
        if form.is_valid():
            people = [
                {**p, "enterprise": form.cleaned_data["enterprise"]} for p in form.cleaned_data["people"]
            ]
            try:
                records = actions.session_add_people(user=request.user, session=session, people=people)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, messages_of(error))
            else:
                messages.success(request, f"已登记 {len(records)} 名参训人员，各计 {session.hours} 学时。")
        else:
            messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect(session.get_absolute_url())


class RecordListView(ObjectListView):
    queryset = TrainingRecord.objects.all()
    filterset = TrainingRecordFilterSet
    table = TrainingRecordTable
    permission = "stewardship.view_trainingrecord"
    title, unit, export_filename = "培训记录", "条", "培训记录"
    template_name = "stewardship/training_list.html"


class RecordCreateView(_ActionFormView):
    permission = "stewardship.add_trainingrecord"
    form_class = RecordForm
    title = "登记培训记录"
    cancel = "stewardship:training_record_list"

    def save(self, form):
        return actions.record_add(user=self.request.user, **form.cleaned_data)


class RecordImportView(BaseImportView):
    importer = RecordImporter()
    kind = "stewardship.training"
    permission = "stewardship.add_trainingrecord"
    form_class = ImportForm
    title = "导入培训记录"
    url_names = {
        "upload": "stewardship:training_import",
        "template": "stewardship:training_import_template",
        "confirm": "stewardship:training_import_confirm",
        "errors": "stewardship:training_import_errors",
        "done": "stewardship:training_record_list",
    }


class PeopleImportView(BaseImportView):
    """The people register on its own (培训对象名单): template, dry run, row/column errors."""

    importer = PeopleImporter()
    kind = "stewardship.trainees"
    permission = "stewardship.add_trainee"
    form_class = ImportForm
    title = "导入培训对象"
    url_names = {
        "upload": "stewardship:trainee_import",
        "template": "stewardship:trainee_import_template",
        "confirm": "stewardship:trainee_import_confirm",
        "errors": "stewardship:trainee_import_errors",
        "done": "stewardship:training_people",
    }


# --- people and 培训率 ------------------------------------------------------------------------


class PeopleView(ProtectedView):
    """One employer's people and where each stands (due / overdue), with its 培训率. A manager
    sees its own employer; others pick one of the employers they see (``?enterprise=``)."""

    permission = "stewardship.view_trainee"
    export = False  # the same page as .xlsx: per person (one employer) or per employer

    def get(self, request):
        employers = Enterprise.objects.for_user(request.user)
        own = access.own_enterprise_id(request.user)
        wanted = request.GET.get("enterprise") or own
        enterprise = None
        if wanted:
            try:
                enterprise = employers.filter(pk=int(wanted)).first()
            except (TypeError, ValueError):
                enterprise = None
            if enterprise is None:
                raise Http404("用人单位不存在")
        today = timezone.localdate()
        context: dict = {"enterprise": enterprise, "today": today, "version": rules.rules_on(today)}
        if enterprise is not None:
            context["training"] = queries.employer_training(enterprise.pk, today)
            context["needs"] = queries.open_needs(request.user, enterprise.pk, today)
        else:
            # per employer who is due or overdue (issue 10 item 6), by the rules in force today
            shown = list(employers.order_by("name")[:200])
            by_id = queries.standings([e.pk for e in shown], today)
            context["employers"] = [(e, by_id[e.pk]) for e in shown]
        context["requirements"] = [
            (rules.ROLE_LABELS[code], req) for code, req in rules.rules_on(today).requirements.items()
        ]
        if self.export:
            return _people_xlsx(context)
        return render(request, "stewardship/training_people.html", context)


def _people_xlsx(context: dict) -> HttpResponse:
    version = context["version"]
    flag = f"规则 {version.version}" + ("（未核对）" if not version.verified else "")
    if context["enterprise"] is not None:
        columns = [
            (k, k) for k in ("姓名", "人员类别", "岗位", "上岗日期", "状态", "尚差学时", "说明", "学时规则")
        ]
        rows = [
            (p.trainee.name, p.trainee.get_role_display(), p.trainee.post, p.trainee.started_on,
             p.standing.label, float(p.standing.missing), p.standing.reason, flag)
            for p in context["training"].people
        ]  # fmt: skip
        return xlsx_response(f"培训对象-{context['enterprise'].name}", columns, rows)
    columns = [
        (k, k)
        for k in (
            "用人单位",
            "统一社会信用代码",
            "应培训",
            "已达标",
            "待培训",
            "已逾期",
            "培训率(%)",
            "学时规则",
        )
    ]
    rows = [
        (e.name, e.uscc, len(t.required), t.trained, len(t.due), len(t.overdue),
         "无数据" if t.rate is None else t.rate, flag)
        for e, t in context["employers"]
    ]  # fmt: skip
    return xlsx_response("培训对象与培训率", columns, rows)


class TraineeCreateView(_ActionFormView):
    permission = "stewardship.add_trainee"
    form_class = TraineeForm
    title = "登记培训对象"
    cancel = "stewardship:training_people"

    def save(self, form):
        return actions.trainee_add(user=self.request.user, **form.cleaned_data)

    def done_url(self, obj) -> str:
        return reverse("stewardship:training_people") + f"?enterprise={obj.enterprise_id}"


class TraineeLeaveView(ScopedObjectMixin, ProtectedView):
    """A person left the post (no longer counted from the date given, today by default)."""

    http_method_names = ["post"]
    queryset = Trainee.objects.all()
    permission = "stewardship.change_trainee"

    def post(self, request, pk):
        trainee = self.get_object()
        try:
            left_on = dt.date.fromisoformat(request.POST.get("left_on") or timezone.localdate().isoformat())
            actions.trainee_leave(user=request.user, trainee=trainee, left_on=left_on)
        except ValueError:
            messages.error(request, "离岗日期格式应为 2025-03-15")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, messages_of(error))
        else:
            messages.success(request, f"{trainee.name} 已离岗，自 {left_on:%Y-%m-%d} 起不再计入培训率。")
        return redirect(reverse("stewardship:training_people") + f"?enterprise={trainee.enterprise_id}")


# --- lectures (职业健康大讲堂) -------------------------------------------------------------------


class LectureListView(ProtectedView):
    permission = "stewardship.view_lecture"
    export = False

    def get(self, request):
        lectures = Lecture.objects.for_user(request.user)
        if not request.user.has_perm("stewardship.add_lecture"):
            lectures = lectures.filter(active=True)
        if self.export:
            columns = [
                (k, k) for k in ("课程名称", "学时", "测验题数", "合格分数", "课程链接", "课件", "上线")
            ]
            rows = (
                (
                    x.title,
                    float(x.hours),
                    len(x.questions),
                    x.pass_score,
                    x.link,
                    x.file_name,
                    "是" if x.active else "否",
                )
                for x in lectures.order_by("-pk")
            )
            return xlsx_response("职业健康大讲堂课程", columns, rows)
        return render(request, "stewardship/lecture_list.html", {"lectures": lectures.order_by("-pk")})


class LectureCreateView(_ActionFormView):
    permission = "stewardship.add_lecture"
    form_class = LectureForm
    title = "新建线上课程"
    cancel = "stewardship:lecture_list"

    def save(self, form):
        data = dict(form.cleaned_data)
        file = data.pop("file", None)
        return actions.lecture_save(user=self.request.user, data=data, file=file)


class LectureEditView(LectureCreateView):
    permission = "stewardship.change_lecture"
    title = "修改线上课程"

    def instance(self):
        found = Lecture.objects.for_user(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise Http404("课程不存在")
        return found

    def save(self, form):
        data = dict(form.cleaned_data)
        file = data.pop("file", None)
        return actions.lecture_save(user=self.request.user, data=data, lecture=self.instance(), file=file)


class LectureDetailView(ObjectDetailView):
    """Watch or read the lecture and answer its quiz for one person of an employer in scope."""

    queryset = Lecture.objects.all()
    permission = "stewardship.view_lecture"
    template_name = "stewardship/lecture_detail.html"

    def get_context_data(self, **context) -> dict:
        lecture = context["object"]
        people = (
            Trainee.objects.for_user(self.request.user)
            .select_related("enterprise")
            .order_by("enterprise__name", "name", "pk")[:500]
        )
        done = set(lecture.attempts.values_list("trainee_id", flat=True))
        return {
            **context,
            "people": [p for p in people if p.pk not in done],
            "can_answer": self.request.user.has_perm("stewardship.add_lectureattempt"),
            "is_video": lecture.file_name.lower().endswith(tuple(rules.VIDEO_SUFFIXES)),
        }

    def post(self, request, pk):
        lecture = self.get_object()
        if not request.user.has_perm("stewardship.add_lectureattempt"):
            raise PermissionDenied
        trainee = access.get_for_user_or_404(
            Trainee.objects, request.user, pk=request.POST.get("trainee") or 0
        )
        answers = []
        for n in range(len(lecture.questions)):
            value = request.POST.get(f"q{n}", "")
            answers.append(int(value) if value.isdigit() else None)
        try:
            attempt = actions.quiz_submit(
                user=request.user, lecture=lecture, trainee=trainee, answers=answers
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, messages_of(error))
        else:
            if attempt.passed:
                messages.success(
                    request, f"{trainee.name} 测验 {attempt.score} 分，合格，已计入 {lecture.hours} 学时。"
                )
            else:
                messages.warning(
                    request,
                    f"{trainee.name} 测验 {attempt.score} 分，未达到 {lecture.pass_score} 分，未计学时。",
                )
        return redirect(lecture.get_absolute_url())


class LectureFileView(ScopedObjectMixin, ProtectedView):
    """The lecture's file, served with the type of its checked suffix (never as uploaded)."""

    queryset = Lecture.objects.all()
    permission = "stewardship.view_lecture"

    def get(self, request, pk):
        lecture = self.get_object()
        if not hasattr(lecture, "file"):
            raise Http404("文件不存在")
        media_type, shown = actions.lecture_media_type(lecture.file_name)
        response = HttpResponse(bytes(lecture.file.data), content_type=media_type)
        disposition = "inline" if shown else "attachment"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(lecture.file_name)}"
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- questionnaires and awareness ----------------------------------------------------------------


class QuestionnaireCreateView(_ActionFormView):
    permission = "stewardship.add_questionnaire"
    form_class = QuestionnaireForm
    title = "新建知晓率问卷"
    cancel = "stewardship:awareness"

    def save(self, form):
        return actions.questionnaire_save(user=self.request.user, data=form.cleaned_data)

    def done_url(self, obj) -> str:
        return reverse("stewardship:awareness")


class QuestionnaireEditView(QuestionnaireCreateView):
    permission = "stewardship.change_questionnaire"
    title = "修改知晓率问卷"

    def instance(self):
        found = Questionnaire.objects.for_user(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise Http404("问卷不存在")
        return found

    def save(self, form):
        return actions.questionnaire_save(
            user=self.request.user, data=form.cleaned_data, questionnaire=self.instance()
        )


class AwarenessView(ProtectedView):
    """知晓率 per employer, district and industry; the questionnaires; an employer's QR code."""

    permission = "stewardship.view_awarenessresponse"
    export = False  # the rates table as .xlsx

    def get(self, request):
        by = request.GET.get("by", "enterprise")
        if by not in queries.AWARENESS_GROUPS:
            by = "enterprise"
        qid = request.GET.get("questionnaire", "")
        questionnaires = Questionnaire.objects.for_user(request.user).order_by("title", "pk")
        own = access.own_enterprise_id(request.user)
        employers = Enterprise.objects.for_user(request.user)
        qr_for = employers.filter(pk=own).first() if own else None
        if qr_for is None and request.GET.get("enterprise", "").isdigit():
            qr_for = employers.filter(pk=int(request.GET["enterprise"])).first()
        context = {
            "by": by,
            "groups": {"enterprise": "按用人单位", "district": "按区县", "industry": "按行业门类"},
            "rows": queries.awareness_rates(request.user, by, int(qid) if qid.isdigit() else None),
            "questionnaires": questionnaires,
            "questionnaire": qid,
            "qr_for": qr_for,
            "link": request.build_absolute_uri(
                reverse("stewardship:awareness_answer", args=[actions.awareness_token(qr_for)])
            )
            if qr_for
            else "",
            "can_edit": request.user.has_perm("stewardship.change_questionnaire"),
        }
        if self.export:
            columns = [
                (k, k)
                for k in (context["groups"][by].removeprefix("按"), "作答人数", "知晓人数", "知晓率(%)")
            ]
            rows = (
                (r.label, r.answered, r.aware, "无数据" if r.rate is None else r.rate)
                for r in context["rows"]
            )
            return xlsx_response("知晓率", columns, rows)
        return render(request, "stewardship/awareness.html", context)


class AwarenessQrView(ProtectedView):
    """The employer's answer link as an SVG QR code (generated here, no outside service)."""

    permission = "stewardship.view_awarenessresponse"

    def get(self, request, pk):
        enterprise = access.get_for_user_or_404(Enterprise.objects, request.user, pk=pk)
        link = request.build_absolute_uri(
            reverse("stewardship:awareness_answer", args=[actions.awareness_token(enterprise)])
        )
        svg = segno.make(link, error="m").svg_inline(scale=4, dark="#000", light="#fff")
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Content-Disposition"] = (
            f"inline; filename*=UTF-8''{quote(enterprise.name + '-知晓率问卷二维码.svg')}"
        )
        return response


# Anonymous answers: at most this many per address and hour (on top of one per phone).
ANSWERS_PER_HOUR = 30


@method_decorator(login_not_required, name="dispatch")
class AwarenessAnswerView(View):
    """The page a worker opens from the QR code, on a phone, without an account."""

    template_name = "stewardship/awareness_answer.html"

    def _enterprise(self, token):
        enterprise = actions.enterprise_for_token(token)
        if enterprise is None:
            raise Http404("链接无效或已过期，请向单位索取新的二维码")
        return enterprise

    def _render(self, request, enterprise, questionnaire, status=200, **extra):
        active = Questionnaire.objects.filter(active=True).order_by("title", "pk")
        context = {
            "enterprise": enterprise,
            "questionnaires": active,
            "questionnaire": questionnaire,
            **extra,
        }
        return render(request, self.template_name, context, status=status)

    def _questionnaire(self, request):
        qid = request.GET.get("q") or request.POST.get("questionnaire") or ""
        if not qid.isdigit():
            return None
        return Questionnaire.objects.filter(active=True, pk=int(qid)).first()

    def get(self, request, token):
        enterprise = self._enterprise(token)
        return self._render(request, enterprise, self._questionnaire(request))

    def post(self, request, token):
        enterprise = self._enterprise(token)
        questionnaire = self._questionnaire(request)
        if questionnaire is None:
            raise Http404("问卷不存在")
        key = f"awareness:{request_address(request)}"
        if cache.get(key, 0) >= ANSWERS_PER_HOUR:
            return self._render(
                request, enterprise, questionnaire, error="提交过于频繁，请一小时后再试", status=429
            )
        answers = []
        for n in range(len(questionnaire.questions)):
            value = request.POST.get(f"q{n}", "")
            answers.append(int(value) if value.isdigit() else None)
        try:
            response = actions.awareness_answer(
                questionnaire=questionnaire, enterprise=enterprise, phone=request.POST.get("phone", ""),
                answers=answers, post=request.POST.get("post", ""),
            )  # fmt: skip
        except ValidationError as error:
            return self._render(
                request, enterprise, questionnaire, error=messages_of(error), posted=request.POST
            )
        cache.set(key, cache.get(key, 0) + 1, 3600)
        return self._render(request, enterprise, questionnaire, result=response)
