"""Forms of classified supervision (pages call actions with their cleaned data)."""

from __future__ import annotations

from django import forms

from ohsteward.accounts import access
from ohsteward.core.widgets import DateInput
from ohsteward.registry.models import Enterprise, Region
from ohsteward.supervision.choices import FindingStatus, RiskClass
from ohsteward.supervision.rules import STAGES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)]


class StartForm(forms.Form):
    enterprise = forms.CharField(label="统一社会信用代码", max_length=18)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_enterprise(self):
        uscc = self.cleaned_data["enterprise"].strip().upper()
        found = Enterprise.objects.for_user(self.user).filter(uscc=uscc).first()
        if found is None:
            raise forms.ValidationError("该单位不存在或不在您的管辖范围内")
        return found


class AnswerForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    points = forms.DecimalField(label="得分", max_digits=5, decimal_places=1, min_value=0, required=False)
    note = forms.CharField(
        label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = MultipleFileField(label="佐证材料（照片、PDF、Office 文档）", required=False)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="审核意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssessForm(forms.Form):
    on = forms.DateField(label="评估日期", required=False, widget=DateInput())


class PlanForm(forms.Form):
    district = forms.ModelChoiceField(label="区县", queryset=Region.objects.none())
    year = forms.IntegerField(label="年度", min_value=2022, max_value=2100)
    seed = forms.IntegerField(
        label="随机种子", required=False, help_text="留空则按当前时间生成；记录在计划中，可复现"
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = access.writable_districts(user)


class FrequencyForm(forms.Form):
    district = forms.ModelChoiceField(label="区县", queryset=Region.objects.none())
    risk_class = forms.ChoiceField(label="综合风险类别", choices=RiskClass.choices)
    ratio = forms.DecimalField(
        label="年度抽查比例（0–1）", min_value=0, max_value=1, decimal_places=3, required=False
    )
    minimum = forms.IntegerField(label="每年至少抽查家数", min_value=0, initial=0)
    verified = forms.BooleanField(label="已核对本区县规定", required=False)
    note = forms.CharField(label="依据", max_length=300, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = access.writable_districts(user)


class InspectionRecordForm(forms.Form):
    inspected_on = forms.DateField(label="检查日期", widget=DateInput())
    findings = forms.CharField(
        label="发现的问题（每行一条）", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    opinion = forms.CharField(label="监督意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    order_deadline = forms.DateField(label="责令改正期限", required=False, widget=DateInput())
    photos = MultipleFileField(label="现场照片", required=False)


class ReinspectForm(forms.Form):
    inspected_on = forms.DateField(label="复查日期", widget=DateInput())
    corrected = forms.TypedChoiceField(
        label="复查结果", choices=[("1", "已改正"), ("0", "未改正")], coerce=lambda v: v == "1"
    )
    findings = forms.CharField(label="复查情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CaseOpenForm(forms.Form):
    opened_on = forms.DateField(label="立案日期", widget=DateInput())
    case_no = forms.CharField(label="案号", max_length=60, required=False)
    violations = forms.CharField(label="违法事实", widget=forms.Textarea(attrs={"rows": 3}))
    provisions = forms.CharField(
        label="适用法律条款",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="例如：《中华人民共和国职业病防治法》第七十条、第七十一条",
    )


class CaseDecideForm(forms.Form):
    decision = forms.CharField(label="处理决定", widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label="决定日期", widget=DateInput())
    penalty_amount = forms.DecimalField(label="罚款金额（元）", required=False, min_value=0, decimal_places=2)


class CaseCloseForm(forms.Form):
    closed_on = forms.DateField(label="结案日期", widget=DateInput())


class ProjectForm(forms.Form):
    enterprise = forms.CharField(label="用人单位统一社会信用代码", max_length=18)
    name = forms.CharField(label="项目名称", max_length=200)
    kind = forms.ChoiceField(
        label="建设性质",
        choices=[("new", "新建"), ("expand", "扩建"), ("rebuild", "改建"), ("tech", "技术改造")],
    )
    serious = forms.TypedChoiceField(
        label="风险类别",
        choices=[("", "按行业分类目录"), ("1", "严重"), ("0", "一般")],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )
    started_on = forms.DateField(label="开工日期", required=False, widget=DateInput())
    planned_completion = forms.DateField(label="计划竣工日期", required=False, widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_enterprise(self):
        uscc = self.cleaned_data["enterprise"].strip().upper()
        found = Enterprise.objects.for_user(self.user).filter(uscc=uscc).first()
        if found is None:
            raise forms.ValidationError("该单位不存在或不在您的管辖范围内")
        return found


class StageForm(forms.Form):
    stage = forms.ChoiceField(label="阶段", choices=STAGES)
    on = forms.DateField(label="完成日期", widget=DateInput())
    report_no = forms.CharField(label="报告编号", max_length=60, required=False)
    institution = forms.CharField(label="技术服务机构", max_length=100, required=False)


class FindingDecideForm(forms.Form):
    """The QC team's verification of a cross-check finding (``actions.crosscheck_finding_decide``)."""

    status = forms.ChoiceField(label="核实结论", choices=FindingStatus.choices)
    note = forms.CharField(label="核实说明", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CrossCheckRunForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
