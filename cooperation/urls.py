from django.urls import path

from cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
]
