"""Source intake: a report's text in, draft records and revisions out, each checked by a
person on the way.

An intake (models/intake.py) is started from a report's text and its metadata. The
quantity parser (cooperation/extraction) finds every quantity with its sentence, and
cooperation/intake_matching proposes the pairing and project each belongs to; both are
kept with the intake, so that the review screen is the same every time it is opened and
the work can be left half done. The reviewer accepts, corrects or drops each proposal.

Accepting writes through `editing()` (cooperation/editing.py), as any admin form does: a
figure for a draft project (or a new draft project) is written as a draft, a figure for a
published project or for a published pairing's annual indicator becomes part of that
page's open revision. Intake publishes nothing, and makes nothing public: even its source
(a public page of its own) is made only by those who may add sources, the publishers.

The same report twice is the same intake: the text's fingerprint (spacing and character
widths evened out) is unique, and an intake of the same address is found as well.
"""

import hashlib
import re
import unicodedata
from bisect import bisect_right

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cooperation import intake_matching
from cooperation.editing import editing
from cooperation.extraction import extract
from cooperation.models import Figure, Indicator, Intake, Pairing, Project, Publication, Source
from cooperation.models.periods import calendar_year

ACCEPT, DROP = "accept", "drop"
# Measures a pairing reports for its whole, each year (its annual indicators).
PAIRING_MEASURES = {
    Figure.Measure.SECONDED_CADRES,
    Figure.Measure.TECHNICAL_STAFF,
    Figure.Measure.WEST_CADRES,
    Figure.Measure.WEST_TECHNICAL_STAFF,
    Figure.Measure.CADRE_TRAINING,
    Figure.Measure.TECHNICAL_TRAINING,
    Figure.Measure.TECHNICAL_TRAINING_SESSIONS,
}
# The category a new project takes from the measure of its first figure.
CATEGORY_OF_MEASURE = {
    Figure.Measure.INVESTMENT: Project.Category.INVESTMENT,
    Figure.Measure.ENTERPRISES: Project.Category.INVESTMENT,
    Figure.Measure.JOBS: Project.Category.LABOUR,
    Figure.Measure.NEW_JOBS: Project.Category.LABOUR,
    Figure.Measure.LABOUR_TRAINING: Project.Category.LABOUR,
    Figure.Measure.LABOUR_TRAINING_SESSIONS: Project.Category.LABOUR,
    Figure.Measure.SALES: Project.Category.CONSUMPTION,
    Figure.Measure.WORKSHOPS: Project.Category.WORKSHOP,
    Figure.Measure.DONATIONS: Project.Category.EDUCATION,
}


def may_intake(user):
    """Editors and publishers: intake writes projects and figures."""
    return bool(
        user.is_active
        and user.is_staff
        and user.has_perms(["cooperation.add_project", "cooperation.add_figure"])
    )


def may_make_source(user):
    return user.has_perm("cooperation.add_source")


def fingerprint(text):
    evened = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return hashlib.sha256(evened.encode("utf-8")).hexdigest()


def same_report(text, url=""):
    """An intake of this text (however spaced) or of this address, or None."""
    same = Q(digest=fingerprint(text))
    if url:
        same |= Q(url=url)
    return Intake.objects.filter(same).order_by("pk").first()


def known_source(title, published_on, url):
    """A source already in the portal for this report: same address, or same title and date."""
    if url:
        source = Source.objects.filter(url=url).order_by("pk").first()
        if source is not None:
            return source
    if title and published_on:
        return Source.objects.filter(title=title, published_on=published_on).order_by("pk").first()
    return None


def start(user, text, *, title, kind=Source.Kind.NEWS, publisher="", author="", published_on=None,
          url="", source=None):  # fmt: skip
    """A new intake of the text, its quantities found and matched; or the intake that already
    holds the same report. Returns (intake, created)."""
    existing = same_report(text, url)
    if existing is not None:
        return existing, False
    source = source or known_source(title, published_on, url)
    try:
        with transaction.atomic():
            intake = Intake.objects.create(
                title=title,
                kind=kind,
                publisher=publisher,
                author=author,
                published_on=published_on,
                url=url,
                source=source,
                text=text,
                digest=fingerprint(text),
                proposals=propose(text, published_on),
                created_by=user,
            )
    except IntegrityError:  # the same report, started a moment earlier by someone else
        return same_report(text, url), False
    return intake, True


def paragraph_starts(text):
    """Where each paragraph (a non-blank line) begins."""
    return [match.start() for match in re.finditer(r"[^\n]*\S[^\n]*", text)]


def propose(text, published_on=None):
    """{proposal id: the quantity, its sentence and paragraph, and where it may belong}."""
    report = intake_matching.read_report(text)
    starts = paragraph_starts(text)
    proposals = {}
    for found in extract(text, published_on=published_on):
        sentence = found.sentence
        pairing = intake_matching.pairing_for(report, sentence.text)
        project = intake_matching.project_for(report, sentence.text, pairing)
        proposal = found.as_json()
        proposal.update(
            sentence=sentence.text,
            sentence_start=sentence.start,
            sentence_end=sentence.end,
            paragraph=max(bisect_right(starts, sentence.start) - 1, 0),
            pairing=pairing,
            project=project,
            places=intake_matching.places_named(report, sentence.text),
        )
        proposal["target"] = default_target(proposal)
        proposals[f"{found.start}-{found.end}"] = proposal
    return proposals


def default_target(proposal):
    if proposal["pairing"] and proposal["measure"] in PAIRING_MEASURES:
        return f"indicator:{proposal['pairing']}"
    if proposal["project"]:
        return f"project:{proposal['project']}"
    if proposal["pairing"]:
        return f"new:{proposal['pairing']}"
    return ""


def ordered(intake):
    """The proposals in the order of the text (a JSON object keeps no order in PostgreSQL)."""
    return sorted(intake.proposals.items(), key=lambda item: item[1]["start"])


def progress(intake):
    """(decided, total): a proposal is decided once dropped or made into a record."""
    decided = sum(
        1
        for pid in intake.proposals
        if intake.decisions.get(pid, {}).get("made")
        or intake.decisions.get(pid, {}).get("decision") == DROP
    )
    return decided, len(intake.proposals)


def made(intake, pid):
    return intake.decisions.get(pid, {}).get("made")


def note_decisions(intake, choices):
    """Keeps what the reviewer chose and typed for each proposal ({pid: (decision, fields)}),
    leaving those already made into records as they are."""
    with transaction.atomic():
        locked = Intake.objects.select_for_update().get(pk=intake.pk)
        for pid, (decision, fields) in choices.items():
            if pid not in locked.proposals or made(locked, pid):
                continue
            locked.decisions[pid] = {"decision": decision, "fields": fields}
        locked.save(update_fields=["decisions", "updated_at"])
    intake.decisions = locked.decisions
    return intake


def make_source(intake, user):
    """The intake's source, made from its metadata by someone who may add sources."""
    if intake.source_id:
        return intake.source
    if not may_make_source(user):
        raise ValueError(
            _("这份报告还没有来源记录。请在上方选择已有来源，或请发布者按录入信息建立来源。")
        )
    source = known_source(intake.title, intake.published_on, intake.url)
    if source is None:
        source = Source.objects.create(
            slug=free_slug(Source, intake.title, f"intake-{intake.pk}"),
            title=intake.title,
            kind=intake.kind,
            publisher=intake.publisher,
            author=intake.author,
            published_on=intake.published_on,
            url=intake.url,
        )
    intake.source = source
    intake.save(update_fields=["source", "updated_at"])
    return source


def free_slug(model, title, suffix):
    base = slugify(title, allow_unicode=True)[:60].strip("-") or "intake"
    slug, number = f"{base}-{suffix}", 1
    while model.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{suffix}-{number}"
    return slug


def accept(intake, user, pid, values):
    """Makes one proposal, as the reviewer corrected it (`values`, a ProposalForm's cleaned
    data), into a figure: a draft's, or part of a published page's revision. Returns what
    was made; raises ValueError or ValidationError, having written nothing, when it cannot."""
    with transaction.atomic():
        locked = Intake.objects.select_for_update().get(pk=intake.pk)
        if made(locked, pid):
            return made(locked, pid)
        source = make_source(locked, user)
        proposal = locked.proposals[pid]
        where, _colon, key = values["target"].partition(":")
        project = new_project_of(locked, values, key) if where == "new" else None
        if where == "project":
            project = Project.objects.filter(pk=key).first()
            if project is None:
                raise ValueError(_("所选项目已不存在。"))
        roots = [project] if project is not None else []
        pairing = None
        if where == "indicator":
            pairing = Pairing.objects.filter(pk=key).first()
            if pairing is None:
                raise ValueError(_("所选结对关系已不存在。"))
            roots = [pairing]
        with editing(user, roots) as edit:
            if where == "new" and project is None:
                project = new_project(locked, source, proposal, values, key)
            figure = figure_of(source, proposal, values)
            if pairing is not None:
                figure.indicator = indicator_of(pairing, figure, locked)
            else:
                figure.project = project
            figure.full_clean(exclude=["places", "part_of"])
            figure.save()
        record = {
            "figure": figure.pk,
            "live": edit.live,
            "revision": edit.revisions[0].pk if edit.revisions else None,
            "owner": str(figure.indicator if pairing is not None else project),
            "project": project.pk if project is not None else None,
            "new_project": where == "new",
            "project_title": values.get("project_title", ""),
            "pairing": int(key) if where in ("new", "indicator") else None,
        }
        locked.decisions[pid] = {
            "decision": ACCEPT,
            "fields": values_as_text(values),
            "made": record,
        }
        locked.save(update_fields=["decisions", "updated_at"])
    intake.decisions, intake.source = locked.decisions, locked.source
    return record


def figure_of(source, proposal, values):
    note = values.get("note", "")
    if proposal.get("value_max") and not note:
        note = _("原文为范围“%(text)s”，数值取下限。") % {"text": proposal["text"]}
    return Figure(
        source=source,
        quote=proposal["sentence"],
        source_note=note,
        measure=values["measure"],
        label=values["label"],
        value=values["value"],
        unit=values["unit"],
        qualifier=values["qualifier"],
        kind=values["kind"],
        period_kind=values["period_kind"],
        period_start=values.get("period_start"),
        period_end=values.get("period_end"),
        period=values.get("period", ""),
    )


def indicator_of(pairing, figure, intake):
    year = calendar_year(figure.period_kind, figure.period_start, figure.period_end)
    year = year or (figure.period_end.year if figure.period_end else None)
    year = year or (intake.published_on.year if intake.published_on else None)
    if year is None:
        raise ValueError(_("年度指标须有年份：请填写期间。"))
    indicator, _created = Indicator.objects.get_or_create(
        pairing=pairing, measure=figure.measure, year=year
    )
    return indicator


def new_project_of(intake, values, pairing_key):
    """The draft project this intake already made under that title and pairing, if any."""
    for decision in intake.decisions.values():
        record = decision.get("made") or {}
        if (
            record.get("new_project")
            and record.get("project_title") == values["project_title"]
            and str(record.get("pairing")) == pairing_key
        ):
            return Project.objects.filter(pk=record["project"]).first()
    return None


def new_project(intake, source, proposal, values, pairing_key):
    pairing = Pairing.objects.filter(pk=pairing_key).first()
    if pairing is None:
        raise ValueError(_("所选结对关系已不存在。"))
    year = intake.published_on.year if intake.published_on else None
    project = Project(
        title=values["project_title"],
        slug=free_slug(Project, values["project_title"], f"intake-{intake.pk}"),
        category=values.get("category")
        or CATEGORY_OF_MEASURE.get(values["measure"], Project.Category.INDUSTRY),
        pairing=pairing,
        status=Publication.DRAFT,
        start_year=year,
        source=source,
        quote=proposal["sentence"],
    )
    project.full_clean()
    project.save()
    return project


def values_as_text(values):
    return {name: "" if value is None else str(value) for name, value in values.items()}


def finish(intake, done=True):
    intake.state = Intake.State.DONE if done else Intake.State.OPEN
    intake.save(update_fields=["state", "updated_at"])
