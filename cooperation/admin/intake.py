"""The intake in the admin (cooperation/intake.py): a report in on the add page, and on
its change page the review, paragraph by paragraph, of every quantity found in it."""

from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cooperation import intake as intakes
from cooperation import intake_files
from cooperation.admin.intake_forms import ProposalForm, StartForm, initial_of
from cooperation.extraction import sentences
from cooperation.models import Intake, Pairing, Project


class SourceChoiceForm(forms.ModelForm):
    class Meta:
        model = Intake
        fields = ["source"]
        widgets = {"source": AutocompleteSelect(Intake._meta.get_field("source"), admin.site)}


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_on", "state", "progress_display"]
    list_display += ["created_by", "created_at"]
    list_filter = ["state", "kind"]
    search_fields = ["title", "publisher", "author", "url"]
    list_select_related = ["created_by"]

    def has_module_permission(self, request):
        return intakes.may_intake(request.user)

    def has_view_permission(self, request, obj=None):
        return intakes.may_intake(request.user)

    def has_add_permission(self, request):
        return intakes.may_intake(request.user)

    def has_change_permission(self, request, obj=None):
        return intakes.may_intake(request.user)

    def has_delete_permission(self, request, obj=None):
        # An intake is a work log; the records it made stay. Publishers tidy the list.
        return intakes.may_intake(request.user) and request.user.has_perm(
            "cooperation.delete_project"
        )

    @admin.display(description=gettext_lazy("进度"))
    def progress_display(self, intake):
        decided, total = intakes.progress(intake)
        return f"{decided} / {total}"

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StartForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            intake, created = intakes.start(
                request.user,
                form.read_text,
                title=data["title"],
                kind=data["kind"],
                publisher=data["publisher"],
                author=data["author"],
                published_on=data["published_on"],
                url=data["url"],
                source=data["source"],
            )
            if created:
                self.log_addition(request, intake, [{"added": {}}])
                self.message_user(
                    request,
                    ngettext(
                        "已读入报告，找到 %(count)d 个数据，请逐条核对。",
                        "已读入报告，找到 %(count)d 个数据，请逐条核对。",
                        len(intake.proposals),
                    )
                    % {"count": len(intake.proposals)},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("这份报告已经录入过（“%(title)s”），已为您打开原来的录入。")
                    % {"title": intake.title},
                    messages.WARNING,
                )
            return HttpResponseRedirect(intake.get_absolute_url())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("录入来源"),
            "form": form,
            "media": self.media + form.media,
            "has_view_permission": True,
            "upload_limit": f"{intake_files.upload_limit() / 1024 / 1024:g} MB",
        }
        return TemplateResponse(request, "admin/cooperation/intake/start.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        intake = self.get_object(request, object_id)
        if intake is None:
            raise Http404
        if not self.has_change_permission(request, intake):
            raise PermissionDenied
        proposal_forms = None
        if request.method == "POST":
            response, proposal_forms = self.review_post(request, intake)
            if response is not None:
                return response
        return TemplateResponse(
            request,
            "admin/cooperation/intake/review.html",
            self.review_context(request, intake, proposal_forms),
        )

    def review_post(self, request, intake):
        """Keeps the reviewer's choices, then takes the step asked for. Returns a redirect,
        or (None, the forms with their errors) to show again."""
        action = request.POST.get("action", "")
        here = HttpResponseRedirect(request.path)
        if action in ("finish", "reopen"):
            intakes.finish(intake, done=action == "finish")
            said = _("已标记为完成。") if action == "finish" else _("已重新打开。")
            self.message_user(request, said, messages.SUCCESS)
            return here, None
        if action == "source":
            form = SourceChoiceForm(request.POST, instance=intake)
            if form.is_valid():
                form.save()
                self.message_user(request, _("已选定来源。"), messages.SUCCESS)
            return here, None
        if action == "make_source":
            try:
                source = intakes.make_source(intake, request.user)
            except ValueError as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(
                    request, _("已建立来源：%(source)s") % {"source": source}, messages.SUCCESS
                )
            return here, None
        if not intake.is_open:
            self.message_user(request, _("此录入已完成；如需修改请先重新打开。"), messages.ERROR)
            return here, None
        data = request.POST.copy()
        paragraph = data.get("accept_paragraph", "")
        targets = target_choices(intake)
        proposal_forms = {}
        choices = {}
        for pid, proposal in intakes.ordered(intake):
            # Each paragraph is a form of its own (a long report's every field at once
            # would pass DATA_UPLOAD_MAX_NUMBER_FIELDS): only the rows sent are read.
            if intakes.made(intake, pid) or f"{pid}-measure" not in data:
                continue
            decision_name = f"{pid}-decision"
            if str(proposal["paragraph"]) == paragraph and data.get(decision_name) != intakes.DROP:
                data[decision_name] = intakes.ACCEPT
            proposal_forms[pid] = ProposalForm(data, prefix=pid, targets=targets)
            fields = {name: data.get(f"{pid}-{name}", "") for name in ProposalForm.FIELDS}
            choices[pid] = (data.get(decision_name, ""), fields)
        intakes.note_decisions(intake, choices)
        if action == "save" and not paragraph:
            self.message_user(request, _("已保存进度，可以稍后继续。"), messages.SUCCESS)
            return here, None
        accepting = [pid for pid, (decision, _f) in choices.items() if decision == intakes.ACCEPT]
        if accepting and not intake.source_id and not intakes.may_make_source(request.user):
            self.message_user(
                request,
                _("这份报告还没有来源记录。请在上方选择已有来源，或请发布者按录入信息建立来源。"),
                messages.ERROR,
            )
            return None, proposal_forms
        drafts, revised, failed = self.accept_all(request, intake, accepting, proposal_forms)
        if drafts or revised:
            self.log_change(
                request, intake, _("接受了 %(count)d 条数据") % {"count": drafts + revised}
            )
            self.message_user(
                request,
                _("已接受 %(count)d 条：%(drafts)d 条写入草稿，%(revised)d 条进入待审修订。")
                % {"count": drafts + revised, "drafts": drafts, "revised": revised},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                _("有 %(count)d 条未能接受，请查看标出的问题。") % {"count": failed},
                messages.ERROR,
            )
            return None, proposal_forms
        anchor = f"#paragraph-{paragraph}" if paragraph.isdigit() else ""
        return HttpResponseRedirect(request.path + anchor), None

    def accept_all(self, request, intake, accepting, proposal_forms):
        drafts = revised = failed = 0
        for pid in accepting:
            form = proposal_forms[pid]
            if not form.is_valid():
                failed += 1
                continue
            try:
                record = intakes.accept(intake, request.user, pid, form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages)
                failed += 1
            except ValueError as error:
                form.add_error(None, str(error))
                failed += 1
            else:
                revised += 1 if record["live"] else 0
                drafts += 0 if record["live"] else 1
        return drafts, revised, failed

    def review_context(self, request, intake, proposal_forms=None):
        targets = target_choices(intake)
        rows_by_paragraph = defaultdict(list)
        marks_by_sentence = defaultdict(list)
        for number, (pid, proposal) in enumerate(intakes.ordered(intake), start=1):
            decision = intake.decisions.get(pid, {})
            record = decision.get("made")
            form = None
            if record is None:
                form = (proposal_forms or {}).get(pid)
                if form is None:
                    initial = initial_of(proposal)
                    initial.update({k: v for k, v in decision.get("fields", {}).items() if v})
                    initial["decision"] = decision.get("decision", "")
                    form = ProposalForm(initial=initial, prefix=pid, targets=targets)
            row = {
                "id": pid,
                "number": number,
                "proposal": proposal,
                "form": form,
                "made": record and {**record, "url": made_url(record)},
                "decision": decision.get("decision", ""),
            }
            rows_by_paragraph[proposal["paragraph"]].append(row)
            marks_by_sentence[proposal["sentence_start"]].append((proposal, pid, number))
        paragraphs = []
        starts = intakes.paragraph_starts(intake.text)
        for index, start in enumerate(starts):
            end = intake.text.find("\n", start)
            end = len(intake.text) if end < 0 else end
            paragraphs.append({"index": index, "start": start, "end": end, "sentences": []})
        for sentence in sentences(intake.text):
            index = max(sum(1 for start in starts if start <= sentence.start) - 1, 0)
            pieces = cut(sentence, marks_by_sentence.get(sentence.start, []))
            paragraphs[index]["sentences"].append(pieces)
        for paragraph in paragraphs:
            paragraph["rows"] = rows_by_paragraph.get(paragraph["index"], [])
        decided, total = intakes.progress(intake)
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": intake,
            "intake": intake,
            "title": intake.title,
            "paragraphs": paragraphs,
            "decided": decided,
            "total": total,
            "source_form": SourceChoiceForm(instance=intake),
            "may_make_source": intakes.may_make_source(request.user),
            "media": self.media + SourceChoiceForm().media,
            "has_view_permission": True,
        }


def cut(sentence, marks):
    """A sentence's text in pieces: (text, proposal id, number) for each quantity in it,
    (text, None, None) for the words between."""
    pieces, at = [], sentence.start
    for proposal, pid, number in sorted(marks, key=lambda mark: mark[0]["start"]):
        if proposal["start"] < at:  # an overlapping span is listed, not marked twice
            continue
        if proposal["start"] > at:
            pieces.append(
                (
                    sentence.text[at - sentence.start : proposal["start"] - sentence.start],
                    None,
                    None,
                )
            )
        pieces.append((proposal["text"], pid, number))
        at = proposal["end"]
    if at < sentence.end:
        pieces.append((sentence.text[at - sentence.start :], None, None))
    return pieces


def made_url(record):
    if record.get("live") and record.get("revision"):
        return reverse("admin:cooperation_revision_change", args=[record["revision"]])
    if record.get("figure") and not record.get("live"):
        return reverse("admin:cooperation_figure_change", args=[record["figure"]])
    return ""


def target_choices(intake):
    """Where the intake's figures may go: the projects proposed or made for it, and for each
    pairing proposed, its annual indicators or a new draft project."""
    pairing_ids, project_ids = set(), set()
    for pid, proposal in intake.proposals.items():
        pairing_ids.add(proposal.get("pairing"))
        project_ids.add(proposal.get("project"))
        record = intakes.made(intake, pid) or {}
        project_ids.add(record.get("project"))
        pairing_ids.add(record.get("pairing"))
    pairings = Pairing.objects.filter(pk__in=pairing_ids - {None}).select_related(*Pairing.PARTIES)
    projects = Project.objects.filter(pk__in=project_ids - {None}).order_by("title")
    return [
        (
            _("已有项目"),
            [
                (f"project:{project.pk}", f"{project.title}（{project.get_status_display()}）")
                for project in projects.only("pk", "title", "status")
            ],
        ),
        (
            _("结对关系的年度指标"),
            [(f"indicator:{pairing.pk}", str(pairing)) for pairing in pairings],
        ),
        (
            _("新建草稿项目，属于"),
            [(f"new:{pairing.pk}", str(pairing)) for pairing in pairings],
        ),
    ]
