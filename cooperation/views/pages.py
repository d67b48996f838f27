"""Dashboard, regions, organisations, sources and people. (Placeholders until built.)"""

from django.views.generic import TemplateView


class DashboardView(TemplateView):
    template_name = "cooperation/home.html"


RegionListView = RegionDetailView = DashboardView
OrganizationListView = OrganizationDetailView = DashboardView
SourceListView = SourceDetailView = PeopleView = DashboardView
