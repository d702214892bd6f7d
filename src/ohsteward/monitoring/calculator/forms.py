"""The calculator's forms: the API's fields, with lists typed as lines ("4.5 120", "<0.05 120")."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms

from ohsteward.core.widgets import DateInput

_SPLIT = re.compile(r"[\s,，;；、]+")

TIMED_HELP = "每行一段：浓度 采样时间(min)，如 “4.5 120”；低于检出限写作 “<0.05 120”"


def _lines(text: str) -> list[list[str]]:
    return [
        [p for p in _SPLIT.split(line.strip()) if p] for line in (text or "").splitlines() if line.strip()
    ]


def _pairs(text: str, a: str, b: str, what: str) -> list[dict[str, str]]:
    out = []
    for i, parts in enumerate(_lines(text), 1):
        if len(parts) != 2:
            raise forms.ValidationError(f"第{i}行: 应为“{what}”两项，以空格分隔")
        out.append({a: parts[0], b: parts[1]})
    return out


class AssessForm(forms.Form):
    """接触评价计算器: one post × factor, nothing saved."""

    factor = forms.CharField(
        label="危害因素", max_length=100, help_text="名称、别名、CAS号或CDC代码，如 苯、71-43-2、噪声"
    )
    on = forms.DateField(
        label="检测日期",
        initial=dt.date.today,
        widget=DateInput(),
        help_text="按此日期选用施行中的限值版本和分级标准",
    )
    samples = forms.CharField(
        label="全班次采样时段", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=TIMED_HELP
    )
    short_samples = forms.CharField(
        label="短时间采样（≤15 min）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一个：浓度 采样时间(min)，用于 C_STE 或峰接触浓度",
    )
    c_twa = forms.CharField(label="直接给出 C_TWA", required=False, max_length=20)
    condition = forms.CharField(
        label="限值条件", required=False, max_length=100, help_text="限值按条件区分时填写，如 铅烟、铅尘"
    )
    dust_fraction = forms.ChoiceField(
        label="粉尘类别", required=False, choices=[("", "—"), ("total", "总尘"), ("respirable", "呼尘")]
    )
    free_silica_percent = forms.CharField(label="游离SiO2含量(%)", required=False, max_length=20)
    shift_hours = forms.CharField(
        label="班次时长(h)", required=False, max_length=20, help_text="超过8 h 按折减因子（未核对）"
    )
    days_per_week = forms.CharField(label="每周工作天数", required=False, max_length=20)
    noise_segments = forms.CharField(
        label="噪声时段",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一段：L_Aeq(dB(A)) 接触时间(h)，如 “92 4”",
    )
    l_ex_8h = forms.CharField(label="直接给出 L_EX,8h(dB(A))", required=False, max_length=20)
    daily_levels = forms.CharField(
        label="每日 L_EX,8h", required=False, max_length=200, help_text="以空格分隔，计算 L_EX,W"
    )
    wbgt = forms.CharField(label="WBGT(℃)", required=False, max_length=20)
    time_ratio = forms.CharField(label="接触时间率", required=False, max_length=20, help_text="0–1，如 0.75")
    labour_intensity = forms.ChoiceField(
        label="体力劳动强度",
        required=False,
        choices=[("", "—"), ("I", "Ⅰ级"), ("II", "Ⅱ级"), ("III", "Ⅲ级"), ("IV", "Ⅳ级")],
    )
    c_me = forms.CharField(label="直接给出 C_ME", required=False, max_length=20)
    toxicity = forms.ChoiceField(
        label="毒物危害程度",
        required=False,
        choices=[
            ("", "—"),
            ("轻度", "轻度危害"),
            ("中度", "中度危害"),
            ("高度", "高度危害"),
            ("极度", "极度危害"),
        ],
        help_text="化学物作业分级用（GBZ 230）",
    )
    a_hw = forms.CharField(label="振动加速度 a_hw(T)(m/s²)", required=False, max_length=20)
    vibration_hours = forms.CharField(label="日接振时间(h)", required=False, max_length=20)
    a_hw4 = forms.CharField(label="直接给出 a_hw(4)(m/s²)", required=False, max_length=20)
    e_field = forms.CharField(label="工频电场强度(kV/m)", required=False, max_length=20)
    region = forms.CharField(
        label="地区代码", required=False, max_length=6, help_text="6位行政区划代码，如 500112（高温地区修正）"
    )

    def clean_samples(self) -> list[dict[str, str]]:
        return _pairs(self.cleaned_data["samples"], "value", "minutes", "浓度 采样时间")

    def clean_short_samples(self) -> list[dict[str, str]]:
        return _pairs(self.cleaned_data["short_samples"], "value", "minutes", "浓度 采样时间")

    def clean_noise_segments(self) -> list[dict[str, str]]:
        return _pairs(self.cleaned_data["noise_segments"], "level", "hours", "声级 小时")

    def clean_daily_levels(self) -> list[str]:
        return [p for line in _lines(self.cleaned_data["daily_levels"]) for p in line]

    def api_data(self) -> dict[str, Any]:
        """The cleaned data with empty optional fields left out (as the API receives them)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None, [])}


class StatisticsForm(forms.Form):
    """相似接触组统计: results (with "<LOD"), the LOD and the limit."""

    values = forms.CharField(
        label="检测结果",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="以空格、逗号或换行分隔；低于检出限写作 “<0.05” 或 “<LOD”（并填写检出限）",
    )
    lod = forms.CharField(label="检出限", required=False, max_length=20)
    limit = forms.CharField(
        label="接触限值", required=False, max_length=20, help_text="与结果同单位，用于超限比例和 AIHA 分类"
    )

    def clean_values(self) -> list[str]:
        return [p for line in _lines(self.cleaned_data["values"]) for p in line]

    def api_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None, [])}
