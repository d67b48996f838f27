"""The intake's two forms: the report in (metadata, and pasted text or a file), and one
proposal's decision with its corrections."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cooperation import intake, intake_files
from cooperation.models import Figure, Intake, Project
from cooperation.models.periods import Period, period_problems
from cooperation.quantities import Qualifier, Unit


class StartForm(forms.ModelForm):
    """A report's metadata, with its text pasted or uploaded. A refused file leaves the
    form as it was typed, with the reason beside the file field."""

    upload = forms.FileField(
        label=_("或上传文件"),
        required=False,
        help_text=_("可上传 .txt、.docx 或另存的网页 .html 文件。"),
    )
    url = forms.URLField(
        label=Intake._meta.get_field("url").verbose_name,
        max_length=500,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Intake
        fields = ["title", "kind", "publisher", "author", "published_on", "url", "source", "text"]
        help_texts = {"text": _("粘贴报告正文；上传文件时可留空。")}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 16, "class": "vLargeTextField"}),
            "published_on": AdminDateWidget(),
            "source": AutocompleteSelect(Intake._meta.get_field("source"), admin.site),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.read_text = ""

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        text = cleaned.get("text") or ""
        try:
            if upload:
                self.read_text = intake_files.read_upload(upload)
            elif text.strip():
                self.read_text = intake_files.checked_text(text)
            else:
                raise forms.ValidationError(_("请粘贴报告正文，或上传文件。"))
        except intake_files.Refused as refusal:
            self.add_error("upload" if upload else "text", str(refusal))
        return cleaned


TARGET_HELP = _("接受后数据归入的记录。")


class ProposalForm(forms.Form):
    """One quantity as proposed, to be accepted as it is, corrected, or dropped. Only an
    accepted one must be complete."""

    decision = forms.ChoiceField(
        label=_("处理"),
        choices=[("", _("待定")), (intake.ACCEPT, _("接受")), (intake.DROP, _("舍弃"))],
        required=False,
        widget=forms.RadioSelect,
    )
    measure = forms.ChoiceField(label=_("指标"), choices=Figure.Measure.choices, required=False)
    label = forms.CharField(label=_("名称"), max_length=200, required=False)
    value = forms.DecimalField(
        label=_("数值"), max_digits=18, decimal_places=2, min_value=0, required=False
    )
    unit = forms.ChoiceField(
        label=pgettext_lazy("计量", "单位"), choices=[("", "—"), *Unit.choices], required=False
    )
    qualifier = forms.ChoiceField(label=_("限定"), choices=Qualifier.choices, required=False)
    kind = forms.ChoiceField(label=_("性质"), choices=Figure.Kind.choices, required=False)
    period_kind = forms.ChoiceField(label=_("期间种类"), choices=Period.choices, required=False)
    period_start = forms.DateField(label=_("期间开始"), required=False)
    period_end = forms.DateField(label=_("期间结束"), required=False)
    period = forms.CharField(label=_("来源中的期间说法"), max_length=50, required=False)
    target = forms.ChoiceField(label=_("归入"), required=False, help_text=TARGET_HELP)
    project_id = forms.IntegerField(
        label=_("或项目编号"), required=False, min_value=1, help_text=_("归入其他已有项目时填写。")
    )
    project_title = forms.CharField(
        label=_("新项目名称"), max_length=200, required=False, help_text=_("新建草稿项目时填写。")
    )
    category = forms.ChoiceField(
        label=_("新项目类别"), choices=[("", "—"), *Project.Category.choices], required=False
    )
    note = forms.CharField(label=_("引用说明"), max_length=500, required=False)

    FIELDS = [
        "measure", "label", "value", "unit", "qualifier", "kind", "period_kind",
        "period_start", "period_end", "period", "target", "project_id", "project_title",
        "category", "note",
    ]  # fmt: skip

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "—"), *targets]
        for name in ("period_start", "period_end"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    @property
    def accepting(self):
        return (self.data.get(self.add_prefix("decision")) or "") == intake.ACCEPT

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") != intake.ACCEPT:
            return cleaned
        if cleaned.get("project_id"):
            if not Project.objects.filter(pk=cleaned["project_id"]).exists():
                self.add_error("project_id", _("没有这个编号的项目。"))
            cleaned["target"] = f"project:{cleaned['project_id']}"
        for name in ("measure", "label", "value", "unit", "qualifier", "kind", "period_kind"):
            if cleaned.get(name) in (None, ""):
                self.add_error(name, _("接受前请填写此项。"))
        target = cleaned.get("target") or ""
        if not target:
            self.add_error("target", _("请选择数据归入的记录。"))
        if target.startswith("new:") and not cleaned.get("project_title"):
            self.add_error("project_title", _("新建项目须有名称。"))
        if cleaned.get("unit") == Unit.PERCENT and (cleaned.get("value") or 0) > 100:
            self.add_error("value", _("百分比不能超过100。"))
        problems = period_problems(
            cleaned.get("period_kind"), cleaned.get("period_start"), cleaned.get("period_end")
        )
        for name, problem in problems.items():
            self.add_error(name, problem)
        return cleaned


def initial_of(proposal):
    """The form's first values: what the parser proposed."""
    period = proposal.get("period") or {}
    return {
        "measure": proposal.get("measure") or Figure.Measure.OTHER,
        "label": proposal.get("label") or "",
        "value": proposal.get("value"),
        "unit": proposal.get("model_unit") or "",
        "qualifier": proposal.get("qualifier") or Qualifier.EXACT,
        "kind": proposal.get("kind") or Figure.Kind.ACTUAL,
        "period_kind": period.get("kind") or Period.UNKNOWN,
        "period_start": period.get("start"),
        "period_end": period.get("end"),
        "period": (period.get("words") or "")[:50],
        "target": proposal.get("target") or "",
    }
