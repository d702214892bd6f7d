"""The monthly dispatch form: comments, problems and, per entered indicator, its figures."""

from __future__ import annotations

from django import forms

from ohsteward.core.widgets import DateInput


class DispatchForm(forms.Form):
    comments = forms.CharField(
        label="工作进展与说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    problems = forms.CharField(label="存在的问题", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.entered = list(indicators)
        for ind in self.entered:
            p = f"{ind.code}__"
            self.fields[p + "numerator"] = forms.IntegerField(
                label=f"{ind.name}：分子", min_value=0, required=False
            )
            self.fields[p + "denominator"] = forms.IntegerField(
                label=f"{ind.name}：分母", min_value=0, required=False
            )
            self.fields[p + "source"] = forms.CharField(
                label=f"{ind.name}：数据来源", max_length=200, required=False
            )
            self.fields[p + "source_date"] = forms.DateField(
                label=f"{ind.name}：数据日期", required=False, widget=DateInput()
            )

    def clean(self):
        data = super().clean()
        for ind in self.entered:
            p = f"{ind.code}__"
            if data.get(p + "numerator") is None:
                continue
            for part, label in (("source", "数据来源"), ("source_date", "数据日期")):
                if not data.get(p + part):
                    self.add_error(p + part, f"填报{ind.name}时须填写{label}")
            if ind.unit == "%" and data.get(p + "denominator") is None:
                self.add_error(p + "denominator", f"{ind.name}是比率，须填写分母")
        return data

    def inputs(self) -> dict:
        out = {}
        for ind in self.entered:
            p = f"{ind.code}__"
            if self.cleaned_data.get(p + "numerator") is None:
                continue
            out[ind.code] = {
                "numerator": self.cleaned_data[p + "numerator"],
                "denominator": self.cleaned_data.get(p + "denominator"),
                "source": self.cleaned_data[p + "source"],
                "source_date": self.cleaned_data[p + "source_date"],
            }
        return out
