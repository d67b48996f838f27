"""Atom feeds of newly published or changed projects: all of them, and those of one region
(located in it or anywhere below), one pairing or one organisation.

Entries are published projects only, the most recently changed first (`updated_at`: the
portal has no separate publishing date, and publishing a draft saves it, so a newly
published project comes first too). The feed follows the address's language: /en/feeds/…
gives the English texts where they were entered. Which projects a feed lists is kept in
the cache until the projects it is about change (cooperation.counting), so that the sort
over every published project is made once per version of them, not once per reader's poll.
"""

import uuid

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from cooperation.counting import NAMES, cached
from cooperation.iati import xml_text
from cooperation.models import Organization, Pairing, Project, ProjectOrganization, Region
from portal.page_cache import depends_on

ENTRIES = 50


class ProjectAtomFeed(Atom1Feed):
    """Atom 1.0 whose categories carry the stable code as term and the label for readers
    (Django's own writes only a term)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "categories": ()})
        for term, label in item["category_labels"]:
            handler.addQuickElement("category", "", {"term": term, "label": label})


class Subject:
    """What a feed is about, with the address it is read at (for the entries' ids)."""

    def __init__(self, request, record=None):
        self.record = record
        self.origin = f"{request.scheme}://{request.get_host()}"
        # Every project's change touches its places, pairing and organisations, and the list.
        own = f"{type(record).__name__.lower()}:{record.pk}" if record else "list:project"
        self.scopes = [own, *NAMES]
        depends_on(request, *self.scopes)


class ProjectFeed(Feed):
    feed_type = ProjectAtomFeed
    name = "feed-projects"

    def get_object(self, request, *args, **kwargs):
        return Subject(request)

    def title(self, subject):
        return _("东西部协作项目更新")

    def subtitle(self, subject):
        return _("新发布或有改动的协作项目，最近改动的在前。")

    def link(self, subject):
        return reverse("cooperation:project-list")

    def feed_url(self, subject):
        return reverse(f"cooperation:{self.name}", args=self.feed_args(subject))

    def feed_args(self, subject):
        return ()

    def author_name(self, subject):
        return settings.SITE_PUBLISHER or _("东西部协作信息公开平台")

    def projects(self, subject):
        # In the feed's order through its index (project_updated_id_idx), reading 50 rows.
        return Project.objects.published_unindexed()

    def cache_key(self, subject):
        return f"feed:{self.name}:{subject.record.pk if subject.record else ''}"

    def items(self, subject):
        def newest():
            newest_first = self.projects(subject).order_by("-updated_at", "-pk")
            return list(newest_first.values_list("pk", flat=True)[:ENTRIES])

        ids = cached(self.cache_key(subject), newest, subject.scopes)
        # Put in order here: asked to sort, SQLite walked every published project by date.
        found = Project.objects.published().order_by().in_bulk(ids)
        projects = [found[pk] for pk in ids if pk in found]
        for project in projects:
            # One id for the project in both languages and whatever its slug becomes.
            project.entry_id = uuid.uuid5(
                uuid.NAMESPACE_URL, f"{subject.origin}/projects/{project.pk}"
            )
        return projects

    def item_title(self, project):
        return xml_text(project.translated("title"))

    def item_description(self, project):
        return xml_text(project.translated("summary") or project.translated("description"))

    def item_guid(self, project):
        return project.entry_id.urn

    def item_updateddate(self, project):
        return project.updated_at

    def item_pubdate(self, project):
        return project.created_at

    def item_extra_kwargs(self, project):
        return {"category_labels": [(project.category, str(project.get_category_display()))]}


class RegionProjectFeed(ProjectFeed):
    name = "feed-region"

    def get_object(self, request, pk):
        return Subject(request, get_object_or_404(Region, pk=pk))

    def feed_args(self, subject):
        return (subject.record.pk,)

    def title(self, subject):
        return _("%(name)s的协作项目更新") % {"name": subject.record.translated("name")}

    def subtitle(self, subject):
        return _("位于%(name)s及其下级区域的协作项目，最近改动的在前。") % {
            "name": subject.record.translated("name")
        }

    def link(self, subject):
        return subject.record.get_absolute_url()

    def projects(self, subject):
        return Project.objects.published().in_region(subject.record)


class PairingProjectFeed(RegionProjectFeed):
    name = "feed-pairing"

    def get_object(self, request, pk):
        return Subject(
            request,
            get_object_or_404(Pairing.objects.published().select_related(*Pairing.PARTIES), pk=pk),
        )

    def title(self, subject):
        return _("%(pairing)s的协作项目更新") % {"pairing": subject.record}

    def subtitle(self, subject):
        return _("结对关系%(pairing)s的协作项目，最近改动的在前。") % {"pairing": subject.record}

    def projects(self, subject):
        return subject.record.projects.published()


class OrganizationProjectFeed(RegionProjectFeed):
    name = "feed-organization"

    def get_object(self, request, pk):
        return Subject(request, get_object_or_404(Organization, pk=pk))

    def subtitle(self, subject):
        return _("%(name)s参与的协作项目，最近改动的在前。") % {
            "name": subject.record.translated("name")
        }

    def projects(self, subject):
        roles = ProjectOrganization.objects.filter(
            project=OuterRef("pk"), organization=subject.record
        )
        return Project.objects.published().filter(Exists(roles))
