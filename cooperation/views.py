from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "cooperation/home.html"
