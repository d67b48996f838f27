from django.urls import path

from cooperation import feeds
from cooperation.views import data, details, lists, pages, search, totals

app_name = "cooperation"

urlpatterns = [
    path("", pages.DashboardView.as_view(), name="home"),
    path("projects/", lists.ProjectListView.as_view(), name="project-list"),
    path("projects/<str:slug>/", details.ProjectDetailView.as_view(), name="project-detail"),
    path("pairings/", lists.PairingListView.as_view(), name="pairing-list"),
    path("pairings/<int:pk>/", details.PairingDetailView.as_view(), name="pairing-detail"),
    path("beneficiaries/", lists.BeneficiaryListView.as_view(), name="beneficiary-list"),
    path(
        "beneficiaries/<int:pk>/",
        details.BeneficiaryDetailView.as_view(),
        name="beneficiary-detail",
    ),
    path("regions/", pages.RegionListView.as_view(), name="region-list"),
    path("regions/<int:pk>/", pages.RegionDetailView.as_view(), name="region-detail"),
    path("organizations/", pages.OrganizationListView.as_view(), name="organization-list"),
    path(
        "organizations/<int:pk>/",
        pages.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
    path("sources/", pages.SourceListView.as_view(), name="source-list"),
    path("sources/<str:slug>/", pages.SourceDetailView.as_view(), name="source-detail"),
    path("people/", pages.PeopleView.as_view(), name="people"),
    path("search/", search.SearchView.as_view(), name="search"),
    path("totals/<slug:key>/", totals.TotalBreakdownView.as_view(), name="total-breakdown"),
    path("data/", data.OpenDataView.as_view(), name="open-data"),
    path("feeds/projects.atom", feeds.ProjectFeed(), name="feed-projects"),
    path("feeds/regions/<int:pk>.atom", feeds.RegionProjectFeed(), name="feed-region"),
    path("feeds/pairings/<int:pk>.atom", feeds.PairingProjectFeed(), name="feed-pairing"),
    path(
        "feeds/organizations/<int:pk>.atom",
        feeds.OrganizationProjectFeed(),
        name="feed-organization",
    ),
]
