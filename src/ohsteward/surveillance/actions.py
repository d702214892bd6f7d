"""Writes of the surveillance app: workers, their posts, acute exposures, reveals of an ID
number, and the recomputation of the exam schedule.

Keyword-only, atomic, ``full_clean()`` before saving; ``user=None`` is the system (CLI, demo,
jobs). Every write checks the model permission and that the employer is in the user's scope.
Audit rows come from the audit signals (``audited = True``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.accounts import access, lockout
from ohsteward.accounts import actions as account_actions
from ohsteward.accounts.choices import Role
from ohsteward.accounts.models import ApiToken, User
from ohsteward.core.audit import record
from ohsteward.registry.models import Enterprise, Post
from ohsteward.surveillance import crypto, inputs, recompute, rules, schedule
from ohsteward.surveillance.models import (
    REVEAL_PERMISSION,
    AcuteExposure,
    IdNumberReveal,
    Person,
    Worker,
    WorkerPost,
)
from ohsteward.surveillance.schedule import Due, ExamRecord, Exposure  # noqa: F401  (ExamRecord: for callers)

WORKER_FIELDS = (
    "name",
    "phone",
    "employee_number",
    "employment_type",
    "dispatcher",
    "radiation_use",
    "hire_date",
    "leave_date",
)


def _require(user: User | None, perm: str) -> None:
    if user is not None and not access.has_perm(user, perm):
        raise PermissionDenied("您无权执行此操作")


def person_for_id_number(*, id_number: str, name: str, on: dt.date | None = None) -> Person:
    """The Person holding ``id_number`` (matched on the keyed hash), created when new. The same
    person moving to another employer keeps one identity (issue 12 item 1). The name is the
    latest roster's. Not scoped: the caller is an action that checked the employer."""
    parsed, error = rules.id_parse(id_number, on=on or timezone.localdate())
    if parsed is None:
        raise ValidationError({"id_number": error})
    person = Person.objects.by_id_number(parsed.number).first()
    if person is None:
        person = Person(name=name.strip())
        person.set_id_number(parsed.number, on=on)
        person.full_clean()
        person.save()
    elif name and person.name != name.strip():
        person.name = name.strip()
        person.save(update_fields=["name", "updated_at"])
    return person


@transaction.atomic
def worker_create(*, user: User | None, enterprise: Enterprise, id_number: str, **data: Any) -> Worker:
    """Enrol a worker at ``enterprise`` (the ID number identifies the person across employers)."""
    _require(user, "surveillance.add_worker")
    access.require_in_scope(user, enterprise)
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "姓名不能为空"})
    person = person_for_id_number(id_number=id_number, name=name)
    worker = Worker(person=person, enterprise=enterprise)
    _set(worker, data, WORKER_FIELDS)
    worker.name = name
    worker.full_clean()
    worker.save()
    access.require_in_scope(user, worker)
    worker_recompute_due(worker=worker)
    return worker


@transaction.atomic
def worker_update(*, user: User | None, worker: Worker, id_number: str | None = None, **data: Any) -> Worker:
    """Change a worker's employment data; a new ID number moves the employment to that person
    (a roster typo corrected)."""
    _require(user, "surveillance.change_worker")
    access.require_in_scope(user, worker)
    _set(worker, data, WORKER_FIELDS)
    if id_number:
        worker.person = person_for_id_number(id_number=id_number, name=worker.name)
    worker.full_clean()
    worker.save()
    worker_recompute_due(worker=worker)
    return worker


@transaction.atomic
def worker_post_add(
    *, user: User | None, worker: Worker, post: Post, start_date: dt.date, end_date: dt.date | None = None
) -> WorkerPost:
    """Record that ``worker`` holds (or held) ``post`` from ``start_date``. An open post of the
    same worker ends the day before (one current post at a time)."""
    _require(user, "surveillance.add_workerpost")
    access.require_in_scope(user, worker)
    for current in worker.posts.filter(end_date__isnull=True, start_date__lt=start_date):
        current.end_date = start_date - dt.timedelta(days=1)
        current.full_clean()
        current.save()
    wp = WorkerPost(worker=worker, post=post, start_date=start_date, end_date=end_date)
    wp.full_clean()
    wp.save()
    worker_recompute_due(worker=worker)
    return wp


@transaction.atomic
def worker_post_end(*, user: User | None, worker_post: WorkerPost, end_date: dt.date) -> WorkerPost:
    """The worker left the post on ``end_date``."""
    _require(user, "surveillance.change_workerpost")
    access.require_in_scope(user, worker_post)
    worker_post.end_date = end_date
    worker_post.full_clean()
    worker_post.save()
    worker_recompute_due(worker=worker_post.worker)
    return worker_post


@transaction.atomic
def acute_exposure_record(
    *, user: User | None, worker: Worker, hazard_factor, occurred_on: dt.date, note: str = ""
) -> AcuteExposure:
    """An acute exposure: an 应急 exam is due at once (RULES.md §2.1, 49号令 第14条)."""
    _require(user, "surveillance.add_acuteexposure")
    access.require_in_scope(user, worker)
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "发生日期不能晚于今天"})
    event = AcuteExposure(worker=worker, hazard_factor=hazard_factor, occurred_on=occurred_on, note=note)
    event.full_clean()
    event.save()
    worker_recompute_due(worker=worker)
    return event


@transaction.atomic
def person_reveal_id_number(*, user: User, worker: Worker, reason: str = "") -> str:
    """The full ID number of ``worker``, for a user holding the reveal permission; each reveal is
    recorded (``IdNumberReveal``, itself in the audit trail) before the number is returned."""
    if not access.has_perm(user, REVEAL_PERMISSION):
        raise PermissionDenied("您无权查看完整身份证号")
    access.require_in_scope(user, worker)
    IdNumberReveal.objects.create(worker=worker, user=user, reason=reason[:200])
    return worker.person.id_number()


# --- the worker's own login (issue 12 item 9; 职业病防治法 第36条) --------------------------------

LOGIN_LABEL = "本人查询账号"
USERNAME_PATTERN = r"^[\w.@+-]{3,150}$"


def worker_login_of(worker: Worker) -> User | None:
    """The own login of ``worker``'s person (one per person, whichever employer opened it)."""
    return access.person_login(worker.person_id)


def _login_username_error(username: str) -> str | None:
    """Why ``username`` cannot name a worker's login (None: it can). An ID number is refused: it
    would appear in full on the login page, the user list and the trail."""
    if not re.fullmatch(USERNAME_PATTERN, username):
        return "用户名须为 3 位以上的字母、数字或 @ . + - _，建议使用手机号"
    if rules.id_parse(username, on=timezone.localdate())[0] is not None:
        return "不能使用身份证号作为用户名，建议使用手机号"
    if User.objects.filter(username__iexact=username).exists():
        return f"用户名 {username} 已被使用，请换一个（例如手机号加姓名拼音）"
    return None


@transaction.atomic
def worker_login_open(*, user: User | None, worker: Worker, username: str = "") -> tuple[User, str]:
    """开通本人查询账号: a login of role ``worker`` bound to ``worker``'s person, so that the
    worker reads their own monitoring file at every employer they worked for. Returns the login
    and a one-time password (shown once; changed at first login, ``must_change_password``).

    Asked again for a person who has a login (opened here or at another employer): the login
    is re-enabled with a new one-time password, its name kept. The user name defaults to the
    worker's phone number; an ID number is refused. Audited on the worker (its district and
    employer see it) and by the audit signals of the user and its role assignment."""
    if user is not None and not access.can_open_worker_login(user, worker):
        # out of scope and no permission alike: the page offered nothing
        raise PermissionDenied("您无权为该劳动者开通本人查询账号")
    raw = account_actions.temporary_password()
    login = worker_login_of(worker)
    if login is None:
        username = (username or worker.phone or "").strip()
        if not username:
            raise ValidationError({"username": "该劳动者未登记手机号，请填写用户名（建议使用手机号）"})
        error = _login_username_error(username)
        if error:
            raise ValidationError({"username": error})
        login = User(
            username=username, display_name=worker.name, phone=worker.phone, must_change_password=True
        )
        login.set_password(raw)
        login.full_clean(exclude=["password"])
        login.save()
        account_actions.role_assign(user=login, role=Role.WORKER, person=worker.person)
        before, after = "未开通", f"已开通（用户名 {login.username}）"
    else:
        before = "已开通" if login.is_active else "已停用"
        login.set_password(raw)
        login.is_active = True
        login.must_change_password = True
        login.save(update_fields=["password", "is_active", "must_change_password"])
        lockout.clear(login.username)
        record(login, "update", {"密码": ["（原密码）", "已重置为一次性密码"]}, user=user)
        after = f"已重新开通（用户名 {login.username}，一次性密码已重置）"
    record(worker, "update", {LOGIN_LABEL: [before, after]}, user=user)
    return login, raw


@transaction.atomic
def worker_login_close(*, user: User | None, worker: Worker) -> User | None:
    """停用本人查询账号 (the worker asked, or the phone was lost): the login can no longer sign in;
    its API tokens go. None when the person has no login. Audited like the opening."""
    if user is not None and not access.can_open_worker_login(user, worker):
        raise PermissionDenied("您无权停用该劳动者的本人查询账号")
    login = worker_login_of(worker)
    if login is None or not login.is_active:
        return login
    login.is_active = False
    login.save(update_fields=["is_active"])
    ApiToken.objects.filter(user=login).delete()
    record(worker, "update", {LOGIN_LABEL: ["已开通", f"已停用（用户名 {login.username}）"]}, user=user)
    return login


def field_key_rotate(*, batch_size: int = 2000) -> int:
    """Re-encrypt every ID number under the current key and recompute its lookup hash (the
    previous keys in ``OHSTEWARD_FIELD_KEY_PREVIOUS`` still decrypt). One transaction per batch:
    a failure halfway leaves each row readable under one of the keys."""
    done = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(Person.objects.filter(pk__gt=last).order_by("pk")[:batch_size].select_for_update())
            if not batch:
                return done
            for person in batch:
                plain = crypto.decrypt(person.id_number_cipher)
                person.id_number_cipher = crypto.encrypt(plain)
                person.id_number_hmac = crypto.lookup_hash(plain)
            # bulk: a rotation changes no data a person could see, so no audit row per person
            Person.objects.bulk_update(batch, ["id_number_cipher", "id_number_hmac"])
            done += len(batch)
            last = batch[-1].pk


def _set(obj, data: dict[str, Any], fields: Iterable[str]) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            setattr(obj, name, "" if value is None and name not in {"leave_date", "hire_date"} else value)


def _apply_due(worker: Worker, due: Due | None, exams: list[ExamRecord]) -> None:
    worker.last_exam_on, worker.next_exam_due, worker.next_exam_kind, worker.schedule_note = (
        recompute.due_fields(due, exams)
    )


DUE_FIELDS = list(recompute.DUE_FIELDS)


def worker_recompute_due(
    *, worker: Worker, exams: list[ExamRecord] | None = None, on: dt.date | None = None, save: bool = True
) -> Due | None:
    """Recompute ``worker.next_exam_due`` / ``next_exam_kind`` / ``last_exam_on`` from the posts
    held, the exams on record and acute exposures (``schedule.worker_due``, GBZ 188, RULES.md §2).

    ``exams``: the worker's exams as ``ExamRecord(date, kind)``; default: ``inputs.exam_history_for``
    (the exams app). The exams app calls this after recording an exam. No audit row: the fields
    are derived."""
    on = on or timezone.localdate()
    if exams is None:
        exams = inputs.exam_history_for([worker.pk]).get(worker.pk, [])
    held = list(
        WorkerPost.objects.filter(worker=worker)
        .order_by("start_date", "pk")
        .values_list("post_id", "start_date", "end_date")
    )
    exposures = recompute.post_exposures(recompute.post_factors([post_id for post_id, _s, _e in held]))
    found, since = recompute.exposures_of(held, worker.leave_date, on, exposures)
    acute = list(worker.acute_exposures.values_list("occurred_on", flat=True))
    due = schedule.worker_due(
        exposures=found,
        exposed_since=since,
        exams=exams,
        acute_exposures=acute,
        leave_on=worker.leave_date,
    )
    _apply_due(worker, due, exams)
    if save:
        Worker.objects.filter(pk=worker.pk).update(**{f: getattr(worker, f) for f in DUE_FIELDS})
    return due


def workers_recompute_due(*, queryset=None, on: dt.date | None = None, batch_size: int = 20000) -> int:
    """Recompute the schedule of every worker in ``queryset`` (default: all): the nightly job and
    ``ohsteward recompute_exam_due``, set-based (``recompute.recompute``: streams, one pass, only
    changed plans written). ``batch_size``: rows per fetch and per COPY. Returns the count."""
    return recompute.recompute(queryset=queryset, on=on or timezone.localdate(), chunk_size=batch_size)
