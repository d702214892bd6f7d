"""Forms of the hazard reference data: the limit-edition import upload."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings

IMPORT_SUFFIXES = {".xlsx", ".xls", ".xlsm", ".csv"}


class LimitImportForm(forms.Form):
    file = forms.FileField(
        label="限值文件（.xlsx / .xls / .csv）",
        error_messages={"required": "请选择要上传的文件", "empty": "上传的文件是空的"},
    )
    partial = forms.BooleanField(label="仅导入无误的行（有错误的行跳过，可下载后修改再导入）", required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        suffix = Path(f.name).suffix.lower()
        if suffix not in IMPORT_SUFFIXES:
            raise forms.ValidationError(
                f"不支持 {suffix or '无扩展名'} 文件，请上传 .xlsx、.xls 或 .csv 文件"
            )
        if f.size > settings.OHSTEWARD_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(f"文件超过 {settings.OHSTEWARD_MAX_UPLOAD_MB} MB")
        return f
