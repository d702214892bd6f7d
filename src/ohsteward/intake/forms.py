"""Forms of the intake pages: upload, column mapping, review decisions, merge."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone

from ohsteward.core.widgets import DateInput
from ohsteward.intake.choices import SourceKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="来源类型", choices=SourceKind.choices)
    department = forms.CharField(
        label="提供部门",
        max_length=100,
        required=False,
        help_text="如 市场监管局、税务局、市职防院；便于日后追溯",
    )
    received_on = forms.DateField(label="接收日期", initial=timezone.localdate, widget=DateInput())
    file = forms.FileField(
        label="名单文件", help_text=f".xlsx、.xls 或 .csv，不超过 {settings.OHSTEWARD_MAX_UPLOAD_MB} MB"
    )
    valid_rows_only = forms.BooleanField(
        label="有错误行时仍导入正确的行（错误行可下载修改后再传）", required=False
    )
    dry_run = forms.BooleanField(label="只试运行，不写入（查看将要关联、新建和待核对的数量）", required=False)

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("接收日期不能晚于今天")
        return value


class RejectForm(forms.Form):
    reason = forms.CharField(label="驳回原因", max_length=200, required=False)


class MergeForm(forms.Form):
    keep = forms.CharField(label="保留的单位（信用代码或ID）", max_length=30)
    merge = forms.CharField(label="并入后删除的单位（信用代码或ID）", max_length=30)
