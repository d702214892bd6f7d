"""Writes of training: sessions (with the people trained), people and records, lectures and their
quiz, questionnaires and the anonymous awareness answers. Views, the API, the importer and the
demo call these and nothing else."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ohsteward.accounts import access
from ohsteward.accounts.models import User
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship import rules as steward_rules
from ohsteward.stewardship.models import StewardTeam
from ohsteward.stewardship.training import rules
from ohsteward.stewardship.training.models import (
    AwarenessResponse,
    Lecture,
    LectureAttempt,
    LectureFile,
    Questionnaire,
    Trainee,
    TrainingNeed,
    TrainingRecord,
    TrainingSession,
    TrainingSessionEmployer,
)

NOT_YOURS = "该用人单位不在您的服务或管辖范围内"
ANSWERED_TWICE = "该人员已完成本课程测验，不能重复作答"
ANSWERED_ALREADY = "这个手机号已经回答过本单位的这份问卷，每人只需作答一次。谢谢！"


def _require(user: User | None, perm: str, message: str) -> None:
    if user is not None and not user.has_perm(perm):
        raise PermissionDenied(message)


def _require_employer(user: User | None, enterprise: Enterprise) -> None:
    """A team member writes for its clients, a manager for its own employer, the CDC for its
    region: the employer must be in the user's scope."""
    if user is not None and not Enterprise.objects.for_user(user).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": f"{enterprise.name}：{NOT_YOURS}"})


def _hours(value: Any, field: str = "hours") -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1")) if value not in (None, "") else None
    except InvalidOperation:
        raise ValidationError({field: "学时应为数字"}) from None
    message = rules.hours_error(hours)
    if message:
        raise ValidationError({field: message})
    assert hours is not None
    return hours


def _trainee(
    *, enterprise: Enterprise, name: str, role: str, started_on: dt.date | None, post: str = ""
) -> Trainee:
    """The employer's person of that name and role; a new one starts on ``started_on`` (or the
    training date when unknown)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写姓名"})
    if role not in rules.ROLE_LABELS:
        raise ValidationError({"role": "人员类别应为 主要负责人 / 职业卫生管理人员 / 接害劳动者 / 其他人员"})
    found = Trainee.objects.filter(enterprise=enterprise, name=name, role=role).first()
    if found is not None:
        return found
    trainee = Trainee(
        enterprise=enterprise, name=name[:50], role=role, post=(post or "")[:100],
        started_on=started_on or timezone.localdate(),
    )  # fmt: skip
    trainee.full_clean()
    trainee.save()
    return trainee


@transaction.atomic
def trainee_add(
    *, user: User | None, enterprise: Enterprise, name: str, role: str, started_on: dt.date,
    post: str = "",
) -> Trainee:  # fmt: skip
    """Put a person on the employer's training list (who must be trained, from when)."""
    _require(user, "stewardship.add_trainee", "您没有登记培训对象的权限")
    _require_employer(user, enterprise)
    if Trainee.objects.filter(enterprise=enterprise, name=name.strip(), role=role).exists():
        raise ValidationError({"name": "该用人单位已有同名同类别的人员"})
    return _trainee(enterprise=enterprise, name=name, role=role, started_on=started_on, post=post)


@transaction.atomic
def trainee_save(
    *, user: User | None, enterprise: Enterprise, name: str, role: str, started_on: dt.date | None,
    post: str = "", left_on: dt.date | None = None,
) -> tuple[Trainee, bool]:  # fmt: skip
    """The people register (培训对象名单) row by row, as the import gives it: a new person is added;
    the employer's person of that name and role has its start date, post and 离岗日期 updated.
    Returns (person, created)."""
    _require(user, "stewardship.add_trainee", "您没有登记培训对象的权限")
    _require_employer(user, enterprise)
    if started_on is None:
        raise ValidationError({"started_on": "请填写上岗（任职）日期"})
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": "上岗日期不能晚于今天"})
    if left_on is not None and left_on < started_on:
        raise ValidationError({"left_on": "离岗日期不能早于上岗日期"})
    found = Trainee.objects.filter(enterprise=enterprise, name=(name or "").strip(), role=role).first()
    if found is None:
        trainee = _trainee(enterprise=enterprise, name=name, role=role, started_on=started_on, post=post)
        if left_on is not None:
            trainee.left_on = left_on
            trainee.save(update_fields=["left_on"])
        return trainee, True
    found.started_on = started_on
    found.post = (post or found.post)[:100]
    found.left_on = left_on
    found.full_clean()
    found.save()
    return found, False


@transaction.atomic
def trainee_leave(*, user: User | None, trainee: Trainee, left_on: dt.date) -> Trainee:
    """The person left the post: no longer counted from ``left_on``."""
    access.require_in_scope(user, trainee)
    if left_on < trainee.started_on:
        raise ValidationError({"left_on": "离岗日期不能早于上岗日期"})
    trainee.left_on = left_on
    trainee.full_clean()
    trainee.save()
    return trainee


@transaction.atomic
def record_add(
    *, user: User | None, enterprise: Enterprise, name: str, role: str, hours: Any,
    trained_on: dt.date, session: TrainingSession | None = None, lecture: Lecture | None = None,
    course: str = "", started_on: dt.date | None = None, post: str = "",
) -> TrainingRecord:  # fmt: skip
    """One person's hours. The person is found (name, role, employer) or added to the list."""
    _require(user, "stewardship.add_trainingrecord", "您没有登记培训记录的权限")
    _require_employer(user, enterprise)
    hours_value = _hours(hours)
    if trained_on is None:
        raise ValidationError({"trained_on": "请填写培训日期"})
    if trained_on > timezone.localdate():
        raise ValidationError({"trained_on": "培训日期不能晚于今天"})
    if not (session or lecture or (course or "").strip()):
        raise ValidationError({"course": "请填写培训或课程名称"})
    trainee = _trainee(
        enterprise=enterprise, name=name, role=role, started_on=started_on or trained_on, post=post
    )
    record = TrainingRecord(
        trainee=trainee, enterprise=enterprise, trained_on=trained_on, hours=hours_value,
        session=session, lecture=lecture, course=(course or "").strip()[:200], recorded_by=user,
    )  # fmt: skip
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def session_create(
    *, user: User | None, held_on: dt.date, topic: str, trainer: str, hours: Any, mode: str,
    enterprises: Sequence[Enterprise], people: Iterable[Mapping[str, Any]] = (), note: str = "",
    team: StewardTeam | None = None,
) -> TrainingSession:  # fmt: skip
    """A session for one or more employers; each person listed gets a record of its hours.

    ``people``: {"enterprise": Enterprise (optional when one employer), "name", "role", "post"}.
    ``team`` is taken only from the system (``user=None``); a team member's own team is used."""
    _require(user, "stewardship.add_trainingsession", "您没有登记培训的权限")
    errors: dict[str, str] = {}
    if not (topic or "").strip():
        errors["topic"] = "请填写培训主题"
    if not (trainer or "").strip():
        errors["trainer"] = "请填写授课人"
    if mode not in dict(rules.MODES):
        errors["mode"] = "方式应为 现场 或 线上"
    if held_on is None:
        errors["held_on"] = "请填写培训日期"
    if not enterprises:
        errors["enterprises"] = "请至少选择一家用人单位"
    if errors:
        raise ValidationError(errors)
    hours_value = _hours(hours)
    for enterprise in enterprises:
        _require_employer(user, enterprise)
    # a team member records for its own team; the system (demo, CLI) may name the team
    team_id = access.own_team_id(user) if user is not None else (team.pk if team is not None else None)
    session = TrainingSession(
        held_on=held_on, topic=topic.strip()[:200], trainer=trainer.strip()[:100], hours=hours_value,
        mode=mode, team=StewardTeam.objects.filter(pk=team_id).first() if team_id else None,
        note=note or "", recorded_by=user,
    )  # fmt: skip
    session.full_clean()
    session.save()
    for enterprise in enterprises:
        TrainingSessionEmployer.objects.create(session=session, enterprise=enterprise)
    people = list(people)
    if people and held_on > timezone.localdate():
        raise ValidationError({"people": "培训尚未举行：参训人员请在培训结束后登记"})
    if people:
        session_add_people(user=user, session=session, people=people)
    return session


@transaction.atomic
def session_add_people(
    *, user: User | None, session: TrainingSession, people: Iterable[Mapping[str, Any]]
) -> list[TrainingRecord]:
    """Record people who attended a held session (the session's hours each). ``enterprise`` of a
    person may be left out when the session is for one employer only."""
    access.require_in_scope(user, session)
    if session.held_on > timezone.localdate():
        raise ValidationError({"people": "培训尚未举行：参训人员请在培训结束后登记"})
    employers = [link.enterprise for link in session.links.select_related("enterprise").order_by("pk")]
    by_pk = {e.pk: e for e in employers}
    records = []
    for person in people:
        enterprise = person.get("enterprise") or (employers[0] if len(employers) == 1 else None)
        if enterprise is None or enterprise.pk not in by_pk:
            raise ValidationError(
                {"people": f"{person.get('name', '')}：请选择其所在的用人单位（本次培训的单位之一）"}
            )
        if TrainingRecord.objects.filter(session=session, trainee__name=person["name"], enterprise=enterprise,
                                         trainee__role=person["role"]).exists():  # fmt: skip
            raise ValidationError({"people": f"{person['name']}：已登记为本次培训的参训人员"})
        records.append(
            record_add(
                user=user,
                enterprise=enterprise,
                name=person["name"],
                role=person["role"],
                hours=session.hours,
                trained_on=session.held_on,
                session=session,
                post=person.get("post", ""),
            )  # fmt: skip
        )
    return records


PEOPLE_LINE = re.compile(r"^\s*([^,，\s]+)\s*[,，\s]\s*(\S+)\s*$")


def parse_people(text: str) -> list[dict[str, str]]:
    """People typed one per line on a phone: "姓名，类别" (类别: 主要负责人 / 职业卫生管理人员 /
    接害劳动者 / 其他人员; missing = 接害劳动者)."""
    by_label = {label: code for code, label in rules.ROLES}
    people = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = PEOPLE_LINE.match(line)
        name, label = (match.group(1), match.group(2)) if match else (line.strip(), "接害劳动者")
        role = by_label.get(label) or (label if label in rules.ROLE_LABELS else None)
        if role is None:
            raise ValidationError({"people": f"第{n}行：人员类别“{label}”应为 {' / '.join(by_label)}"})
        people.append({"name": name, "role": role})
    return people


# ---------------------------------------------------------------------------------------------
# Lectures (职业健康大讲堂)
# ---------------------------------------------------------------------------------------------


def lecture_file_error(filename: str, size: int) -> str | None:
    """A lecture file: a video (mp4/webm, ≤ 50 MB) or what visits accept as evidence (slides,
    PDF, Office documents, pictures; ≤ 10 MB)."""
    suffix = "." + filename.lower().rsplit(".", 1)[-1] if "." in (filename or "") else ""
    if suffix in rules.VIDEO_SUFFIXES:
        if size > rules.VIDEO_MAX_MB * 1024 * 1024:
            return f"视频“{filename}”太大（{size / 1048576:.1f} MB），不超过 {rules.VIDEO_MAX_MB} MB"
        return None if size else f"文件“{filename}”是空的"
    return steward_rules.evidence_error(filename, size)


def lecture_media_type(filename: str) -> tuple[str, bool]:
    suffix = "." + filename.lower().rsplit(".", 1)[-1] if "." in (filename or "") else ""
    if suffix in rules.VIDEO_SUFFIXES:
        return rules.VIDEO_SUFFIXES[suffix], True
    return steward_rules.evidence_media_type(filename)


@transaction.atomic
def lecture_save(
    *, user: User | None, data: Mapping[str, Any], lecture: Lecture | None = None, file: Any = None
) -> Lecture:
    """Create or change a lecture: title, hours, link and/or file, quiz questions, pass mark."""
    _require(user, "stewardship.add_lecture", "只有疾控中心和市级用户可以维护线上课程")
    lecture = lecture or Lecture()
    errors: dict[str, str] = {}
    message = rules.questions_error(data.get("questions"))
    if message:
        errors["questions"] = message
    if file is not None:
        message = lecture_file_error(file.name, file.size)
        if message:
            errors["file"] = message
    elif not (data.get("link") or lecture.file_name):
        errors["link"] = "请上传课件或视频，或填写课程链接"
    if errors:
        raise ValidationError(errors)
    lecture.title = (data.get("title") or "").strip()
    lecture.description = data.get("description") or ""
    lecture.hours = _hours(data.get("hours"))
    lecture.link = data.get("link") or ""
    lecture.questions = list(data["questions"])
    lecture.pass_score = int(data.get("pass_score") or 60)
    lecture.active = bool(data.get("active", True))
    content = None
    if file is not None:
        content = file.read()
        lecture.file_name, lecture.file_size = file.name[:200], len(content)
    lecture.full_clean()
    lecture.save()
    if content is not None:
        LectureFile.objects.update_or_create(lecture=lecture, defaults={"data": content})
    return lecture


@transaction.atomic
def quiz_submit(
    *, user: User | None, lecture: Lecture, trainee: Trainee, answers: Sequence[int | None]
) -> LectureAttempt:
    """Score a person's answers; a pass adds the lecture's hours to the person's record. A
    second answer of the same person to the same quiz is refused (nothing saved)."""
    _require(user, "stewardship.add_lectureattempt", "您没有作答课程测验的权限")
    access.require_in_scope(user, trainee)
    if not lecture.active:
        raise ValidationError({"lecture": "该课程已下线"})
    if LectureAttempt.objects.filter(lecture=lecture, trainee=trainee).exists():
        raise ValidationError({"answers": ANSWERED_TWICE})
    if len(answers) != len(lecture.questions):
        raise ValidationError({"answers": f"请回答全部 {len(lecture.questions)} 道题"})
    value = rules.score(lecture.questions, answers)
    ok = rules.passed(value, lecture.pass_score)
    record = None
    if ok:
        record = TrainingRecord.objects.create(
            trainee=trainee, enterprise_id=trainee.enterprise_id, trained_on=timezone.localdate(),
            hours=lecture.hours, lecture=lecture, recorded_by=user,
        )  # fmt: skip
    try:
        with transaction.atomic():
            return LectureAttempt.objects.create(
                lecture=lecture, trainee=trainee, answers=list(answers), score=value, passed=ok, record=record
            )
    except IntegrityError:  # two submits at once: the constraint decides
        raise ValidationError({"answers": ANSWERED_TWICE}) from None


# ---------------------------------------------------------------------------------------------
# Awareness (知晓率)
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def questionnaire_save(
    *, user: User | None, data: Mapping[str, Any], questionnaire: Questionnaire | None = None
) -> Questionnaire:
    """Create or change a questionnaire (CDC and city users)."""
    _require(user, "stewardship.add_questionnaire", "只有疾控中心和市级用户可以维护知晓率问卷")
    message = rules.questions_error(data.get("questions"))
    if message:
        raise ValidationError({"questions": message})
    threshold = int(data.get("threshold") or 0)
    if not 1 <= threshold <= 100:
        raise ValidationError({"threshold": "知晓分数线应在 1–100 之间"})
    q = questionnaire or Questionnaire()
    q.title = (data.get("title") or "").strip()
    q.hazard = data.get("hazard")
    q.questions = list(data["questions"])
    q.threshold = threshold
    q.active = bool(data.get("active", True))
    q.full_clean()
    q.save()
    return q


SALT = "ohsteward.training.awareness"


def awareness_token(enterprise: Enterprise) -> str:
    """The employer's link token (signed; no account needed to answer)."""
    return signing.dumps({"e": enterprise.pk}, salt=SALT, compress=True)


def enterprise_for_token(token: str) -> Enterprise | None:
    """The employer of a link, or None when it is forged or older than the link's validity."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=dt.timedelta(days=rules.AWARENESS_LINK_DAYS))
    except signing.BadSignature:
        return None
    return Enterprise.objects.filter(pk=payload.get("e")).first()


PHONE = re.compile(r"^1[3-9]\d{9}$")


def phone_hash(phone: str, enterprise: Enterprise) -> str:
    return salted_hmac(SALT, f"{enterprise.pk}:{phone}").hexdigest()


@transaction.atomic
def awareness_answer(
    *, questionnaire: Questionnaire, enterprise: Enterprise, phone: str, answers: Sequence[int | None],
    post: str = "",
) -> AwarenessResponse:  # fmt: skip
    """A worker's anonymous answer (through the employer's link): one per phone, employer and
    questionnaire; scored, 知晓 when the score reaches the questionnaire's threshold."""
    phone = re.sub(r"\D", "", phone or "")
    if not PHONE.match(phone):
        raise ValidationError({"phone": "请填写11位手机号码（只用于防止重复作答，不会显示）"})
    if not questionnaire.active:
        raise ValidationError({"questionnaire": "该问卷已停用"})
    if len(answers) != len(questionnaire.questions) or any(a is None for a in answers):
        raise ValidationError({"answers": "请回答全部题目后再提交"})
    digest = phone_hash(phone, enterprise)
    if AwarenessResponse.objects.filter(
        questionnaire=questionnaire, enterprise=enterprise, phone_hash=digest
    ).exists():
        raise ValidationError({"phone": ANSWERED_ALREADY})
    value = rules.score(questionnaire.questions, answers)
    try:
        with transaction.atomic():
            return AwarenessResponse.objects.create(
                questionnaire=questionnaire, enterprise=enterprise, phone_hash=digest, post=(post or "")[:100],
                answers=list(answers), score=value, aware=rules.passed(value, questionnaire.threshold),
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError({"phone": ANSWERED_ALREADY}) from None


@transaction.atomic
def need_raise(
    *, user: User | None, finding: Any, topic: str = "", due_on: dt.date | None = None
) -> TrainingNeed:
    """A visit finding calls for training ("需培训", issue 10 item 3): a need for the employer, due
    ``rules.TRAINING_NEED_DAYS`` later, met by the first session for the employer held from today.
    Raised by the visit's team or a regulator who may change findings; one per finding."""
    access.require_in_scope(user, finding)
    if user is not None:
        _require(user, "stewardship.change_visitfinding", "您没有为服务发现问题提出培训需求的权限")
        access.require_own_team(user, finding.visit.agreement.team_id)
    if TrainingNeed.objects.filter(finding=finding).exists():
        raise ValidationError("该问题已提出培训需求")
    today = timezone.localdate()
    due_on = due_on or today + dt.timedelta(days=rules.TRAINING_NEED_DAYS)
    if due_on < today:
        raise ValidationError({"due_on": "应完成日期不能早于今天"})
    need = TrainingNeed(
        enterprise_id=finding.visit.agreement.enterprise_id,
        finding=finding,
        topic=(topic.strip() or f"{finding.get_category_display()}：{finding.text}")[:200],
        raised_on=today,
        due_on=due_on,
        raised_by=user,
    )
    need.full_clean()
    need.save()
    return need
