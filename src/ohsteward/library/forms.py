"""The library entry form (city users)."""

from __future__ import annotations

from typing import Any

from django import forms

from ohsteward.core.widgets import DateInput
from ohsteward.library import rules
from ohsteward.library.models import Regulation

DATE = DateInput()


class RegulationForm(forms.ModelForm):
    url = forms.URLField(label="原文链接", required=False, max_length=500, assume_scheme="https")
    file = forms.FileField(
        label="原文文件", required=False,
        help_text=f"PDF、OFD、Word、Excel 或文本，不超过 {rules.FILE_MAX_MB} MB",
    )  # fmt: skip

    class Meta:
        model = Regulation
        fields = [
            "number", "title", "kind", "issuer", "issued_on", "effective_on", "status", "repealed_on",
            "unverified", "superseded_by", "url", "interpretation", "aliases",
        ]  # fmt: skip
        widgets = {
            "issued_on": DATE,
            "effective_on": DATE,
            "repealed_on": DATE,
            "interpretation": forms.Textarea(attrs={"rows": 4}),
            "aliases": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = Regulation.objects.order_by("number")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["superseded_by"].queryset = others

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None:
            error = rules.file_error(upload.name, upload.size)
            if error:
                raise forms.ValidationError(error)
        return upload

    def action_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {"data": data, "file": data.pop("file", None)}
