"""Early warnings (预警, issue 13 item 7): one rules module over the other apps' data, never copied
into each app. ``compute`` reads each kind in one set query (per kind, over all employers or the
given ones) and returns what holds on a date, each explained in Chinese with the records behind it
and who must act; ``refresh`` keeps ``EarlyWarning`` rows in step (new ones opened, those that no
longer hold closed, messages updated) so lists are one indexed query and ``open=false`` shows the
history.

Kinds computed (sources: monitoring, surveillance, stewardship, the assessments):

| kind | holds when | who acts |
|---|---|---|
| 申报危害因素未检测 | a factor of the latest valid declaration has no measurement at all | 用人单位 (委托检测) |
| 超标未整改 | the factor's latest stored judgement is 不符合 and no rectification task of that factor is open | 区县 (下达整改任务) |
| 接害劳动者未按期体检 | current workers whose next exam was due before the date | 用人单位 |
| 协议到期仍有计划服务 | a signed agreement whose end date has passed still has planned visits | 健康管家团队 |
| 综合风险类别升高 | the latest assessment's class is higher risk than the previous one (甲→乙→丙) | 区县 (调整监督频次) |
| 噪声岗位体检无听力检查 | a post whose latest noise measurement is ≥ 85 dB(A) has current workers with no exam result for 噪声 (纯音听阈测试) within 365 days | 用人单位 |
| 疑似职业病未按时转诊 | a suspected case (surveillance ``DiseaseCase``) not referred to a diagnosis institution within ``referral_days`` of being found (30, 未核对) | 用人单位 (安排诊断) |
| 职业禁忌证未调岗 | a reassignment task past its deadline (surveillance ``deadlines.REASSIGNMENT``, 未核对) whose worker still holds a post carrying the factor | 用人单位 |

The thresholds of the last three are versioned data (``data/warning_rules_v1.json``,
``rules.warning_rules_for``), each value with its ``verified`` flag; an unverified one is shown
"（未核对）" in the message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from ohsteward.hazards.models import HazardFactor
from ohsteward.monitoring.models import Measurement, RectificationTask
from ohsteward.registry.models import Enterprise
from ohsteward.stewardship.choices import VisitStatus
from ohsteward.stewardship.models import BINDING, ServiceVisit
from ohsteward.supervision import recompute, rules, sources
from ohsteward.supervision.choices import Actor, WarningKind
from ohsteward.supervision.models import EarlyWarning
from ohsteward.surveillance import deadlines
from ohsteward.surveillance.exams.models import DiseaseCase, ExamResult, SurveillanceTask
from ohsteward.surveillance.models import WorkerPost


@dataclass(frozen=True)
class Found:
    enterprise_id: int
    kind: str
    key: str
    message: str
    records: tuple[tuple[str, str], ...]
    actor: str


def _ids(qs, ids: Collection[int] | None, field: str = "enterprise_id"):
    return qs if ids is None else qs.filter(**{f"{field}__in": list(ids)})


def undetected(
    ids: Collection[int] | None, on: dt.date, inputs: recompute.Inputs | None = None
) -> list[Found]:
    inputs = inputs or recompute.Inputs(ids, on)
    declarations, declared, measured = inputs.declarations(), inputs.declared(), inputs.measured()
    url = reverse("declarations:declaration_detail", args=[0])[:-2]
    out = []
    for eid, (pk, receipt, declared_on) in declarations.items():
        for fid, name, _n in declared.get(pk, []):
            if fid and (eid, fid) not in measured:
                out.append(
                    Found(
                        eid,
                        WarningKind.UNDETECTED,
                        str(fid),
                        f"申报的危害因素“{name}”（{receipt}，{declared_on}）没有任何检测结果，应委托检测机构检测",
                        ((f"申报 {receipt}", f"{url}{pk}/"),),
                        Actor.ENTERPRISE,
                    )  # fmt: skip
                )
    return out


def over_limit(
    ids: Collection[int] | None, on: dt.date, inputs: recompute.Inputs | None = None
) -> list[Found]:
    judged = (inputs or recompute.Inputs(ids, on)).compliance()
    tasks = set(
        _ids(RectificationTask.objects.open(), ids)
        .values_list("enterprise_id", "factor_id")
        .distinct()
        .order_by()
    )
    bad = {k: c for k, c in judged.items() if not c.compliant and k not in tasks}
    names = dict(HazardFactor.objects.filter(pk__in={fid for _e, fid in bad}).values_list("pk", "name"))
    return [
        Found(
            eid,
            WarningKind.OVER_LIMIT,
            str(fid),
            f"“{names.get(fid, fid)}”最近一次检测（{c.measured_on}）不符合接触限值，尚无未关闭的整改任务",
            ((c.record_label, c.record_url),),
            Actor.DISTRICT,
        )  # fmt: skip
        for (eid, fid), c in bad.items()
    ]


def exam_overdue(ids: Collection[int] | None, on: dt.date, uscc: dict[int, str]) -> list[Found]:
    out = []
    for eid, e in sources.exam_map(ids, on).items():
        if e.overdue:
            out.append(
                Found(
                    eid,
                    WarningKind.EXAM_OVERDUE,
                    "",
                    f"{e.overdue} 名接害劳动者超过体检周期未做职业健康检查（在册应检 {e.under_surveillance} 人）",
                    (("逾期劳动者名单", sources.workers_url(uscc.get(eid, ""), "overdue")),),
                    Actor.ENTERPRISE,
                )  # fmt: skip
            )
    return out


def agreement_expired(ids: Collection[int] | None, on: dt.date) -> list[Found]:
    rows = (
        _ids(
            ServiceVisit.objects.filter(
                status=VisitStatus.PLANNED, agreement__status__in=BINDING, agreement__end_date__lt=on
            ),
            ids,
            "agreement__enterprise_id",
        )
        .values_list("agreement__enterprise_id", "agreement_id", "agreement__end_date")
        .order_by("agreement_id")
    )
    counts: dict[tuple[int, int, dt.date], int] = {}
    for eid, aid, end in rows:
        counts[(eid, aid, end)] = counts.get((eid, aid, end), 0) + 1
    url = reverse("stewardship:agreement_detail", args=[0])[:-2]
    return [
        Found(
            eid,
            WarningKind.AGREEMENT_EXPIRED,
            str(aid),
            f"健康管家服务协议已于 {end} 到期，仍有 {n} 次计划服务未完成：续签或取消计划",
            ((f"服务协议 {aid}", f"{url}{aid}/"),),
            Actor.STEWARD,
        )  # fmt: skip
        for (eid, aid, end), n in counts.items()
    ]


def class_raised(ids: Collection[int] | None) -> list[Found]:
    return [
        Found(
            eid,
            WarningKind.CLASS_RAISED,
            "",
            f"综合风险类别由{old}类升为{new}类（国疾控综监督二函〔2022〕50号：甲类风险最低），应调整监督检查频次",
            (("最近一次评估", reverse("supervision:riskassessment_detail", args=[pk])),),
            Actor.DISTRICT,
        )  # fmt: skip
        for eid, (old, new, pk) in recompute.latest_class_rise(ids).items()
    ]


def noise_no_audiometry(
    ids: Collection[int] | None, on: dt.date, uscc: dict[int, str], r: rules.WarningRules
) -> list[Found]:
    """Posts whose latest noise measurement (on or before ``on``) is ≥ 85 dB(A), and their current
    workers with no exam result for the noise factor dated within the audiometry window: one
    warning per post (four queries over all employers)."""
    rows = (
        _ids(Measurement.objects.filter(measured_on__lte=on, factor__name__in=r.noise_factor_names), ids)
        .order_by("post_id", "-measured_on", "-pk")
        .values_list("pk", "enterprise_id", "post_id", "post__name", "measured_on", "l_ex_8h", "l_ex_w", "value")
    )  # fmt: skip
    loud: dict[int, tuple[int, int, str, dt.date, float]] = {}
    seen: set[int] = set()
    for pk, eid, post, post_name, measured_on, l8, lw, value in sources.rows_of(rows, ids):
        if post in seen:
            continue  # an older measurement of the same post
        seen.add(post)
        level = rules.noise_level(l8, lw, value)
        if rules.noise_needs_audiometry(level, r):
            loud[post] = (pk, eid, post_name, measured_on, level or 0.0)
    if not loud:
        return []
    on_post: dict[int, set[int]] = {}
    for post, worker in (
        WorkerPost.objects.filter(post_id__in=list(loud), start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("post_id", "worker_id")
        .order_by()
    ):
        on_post.setdefault(post, set()).add(worker)
    since = on - dt.timedelta(days=r.audiometry_window_days.value)
    heard = set(
        ExamResult.objects.filter(
            exam__worker_id__in={w for ws in on_post.values() for w in ws},
            factor__name__in=r.noise_factor_names,
            exam__date__gt=since,
            exam__date__lte=on,
        )
        .values_list("exam__worker_id", flat=True)
        .distinct()
        .order_by()
    )
    url = reverse("monitoring:measurement_detail", args=[0])[:-2]
    out = []
    for post, (pk, eid, post_name, measured_on, level) in loud.items():
        missing = len(on_post.get(post, set()) - heard)
        if missing:
            out.append(
                Found(
                    eid,
                    WarningKind.NOISE_NO_AUDIOMETRY,
                    str(post),
                    f"岗位“{post_name}”噪声 {level:g} dB(A)（{measured_on}，≥ {r.noise_level_dba.value} dB(A)），"
                    f"{missing} 名在岗劳动者近 {r.audiometry_window_days.value} 日体检无噪声（纯音听阈测试）结论"
                    f"{r.audiometry_window_days.flag}：安排噪声作业职业健康检查",
                    (
                        (f"噪声检测结果 {measured_on}", f"{url}{pk}/"),
                        ("劳动者名单", sources.workers_url(uscc.get(eid, ""))),
                    ),
                    Actor.ENTERPRISE,
                )  # fmt: skip
            )
    return out


def case_not_referred(ids: Collection[int] | None, on: dt.date, r: rules.WarningRules) -> list[Found]:
    """Suspected cases found more than ``referral_days`` before ``on`` with no referral to a
    diagnosis institution (one query)."""
    latest = on - dt.timedelta(days=r.referral_days.value)
    rows = (
        _ids(DiseaseCase.objects.open(), ids, "worker__enterprise_id")
        .filter(referred_on__isnull=True, found_on__lt=latest)
        .values_list("pk", "worker__enterprise_id", "worker__name", "factor__name", "found_on")
        .order_by("pk")
    )
    url = reverse("surveillance:case_detail", args=[0])[:-2]
    return [
        Found(
            eid,
            WarningKind.CASE_NOT_REFERRED,
            str(pk),
            f"劳动者{name}疑似职业病（{factor}，{found_on} 发现）超过 {r.referral_days.value} 日{r.referral_days.flag}"
            "未转诊：安排到职业病诊断机构诊断",
            ((f"疑似职业病 {found_on}", f"{url}{pk}/"),),
            Actor.ENTERPRISE,
        )  # fmt: skip
        for pk, eid, name, factor, found_on in rows
        if rules.referral_late(found_on, None, on, r)
    ]


def not_reassigned(ids: Collection[int] | None, on: dt.date) -> list[Found]:
    """Reassignment tasks (职业禁忌证) past their deadline and still open whose worker still holds
    a post carrying the factor (surveillance ``TaskQuerySet.still_exposed``; one query)."""
    limit = deadlines.limits_for(on).get(deadlines.REASSIGNMENT)
    flag = "" if limit.verified else "（未核对）"
    rows = (
        _ids(SurveillanceTask.objects.still_exposed(on), ids, "worker__enterprise_id")
        .filter(closed_on__isnull=True)
        .values_list("pk", "worker__enterprise_id", "worker__name", "factor__name", "due_on")
        .order_by("pk")
    )
    url = reverse("surveillance:task_detail", args=[0])[:-2]
    return [
        Found(
            eid,
            WarningKind.NOT_REASSIGNED,
            str(pk),
            f"劳动者{name}有职业禁忌证（{factor}），调岗期限 {due_on}（{limit.days} 日{flag}）已过，仍在接触该因素的岗位：调离或暂停原岗位",
            ((f"调岗任务 {due_on}", f"{url}{pk}/"),),
            Actor.ENTERPRISE,
        )  # fmt: skip
        for pk, eid, name, factor, due_on in rows
    ]


def compute(ids: Collection[int] | None, on: dt.date, inputs: recompute.Inputs | None = None) -> list[Found]:
    """Every warning that holds on ``on`` for the employers ``ids`` (None: all). ``inputs``: the
    reads the recompute of the same employers made (``recompute.Inputs``), not read again."""
    if inputs is None or inputs.on != on:
        inputs = recompute.Inputs(ids, on)
    uscc = inputs.uscc
    if uscc is None:
        uscc = dict(_ids(Enterprise.objects.all(), ids, "pk").values_list("pk", "uscc"))
    r = rules.warning_rules_for(on)
    return [
        *undetected(ids, on, inputs),
        *over_limit(ids, on, inputs),
        *exam_overdue(ids, on, uscc),
        *agreement_expired(ids, on),
        *class_raised(ids),
        *noise_no_audiometry(ids, on, uscc, r),
        *case_not_referred(ids, on, r),
        *not_reassigned(ids, on),
    ]


@transaction.atomic(savepoint=False)  # inside risk_refresh's transaction: no savepoint round trips
def refresh(
    ids: Collection[int] | None, on: dt.date, inputs: recompute.Inputs | None = None
) -> dict[str, int]:
    """Bring the stored warnings in line with ``compute``: open new ones, close those that no
    longer hold (``closed_on = on``), update changed messages. Returns counts."""
    found = {(f.enterprise_id, f.kind, f.key): f for f in compute(ids, on, inputs)}
    held = {(w.enterprise_id, w.kind, w.key): w for w in _ids(EarlyWarning.objects.open(), ids)}
    new = [
        EarlyWarning(
            enterprise_id=f.enterprise_id,
            kind=f.kind,
            key=f.key,
            message=f.message[:500],
            records=[list(r) for r in f.records],
            actor=f.actor,
            opened_on=on,
        )  # fmt: skip
        for k, f in found.items()
        if k not in held
    ]
    closed, changed = [], []
    for k, w in held.items():
        f = found.get(k)
        if f is None:
            w.closed_on = on
            closed.append(w)
        elif w.message != f.message[:500] or w.records != [list(r) for r in f.records]:
            w.message, w.records = f.message[:500], [list(r) for r in f.records]
            changed.append(w)
    EarlyWarning.objects.bulk_create(new, batch_size=2000)
    EarlyWarning.objects.bulk_update(closed, ["closed_on"], batch_size=2000)
    EarlyWarning.objects.bulk_update(changed, ["message", "records"], batch_size=2000)
    return {"opened": len(new), "closed": len(closed), "updated": len(changed)}
