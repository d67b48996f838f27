import pytest
from django.test import Client
from django.urls import path, reverse

from portal.urls import urlpatterns as portal_urlpatterns


def broken_view(request):
    raise RuntimeError("a bug")


# This module doubles as a URLconf: the portal's URLs plus a view that fails.
urlpatterns = [path("broken/", broken_view), *portal_urlpatterns]


@pytest.fixture
def visitor(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def test_unknown_address_gets_the_portal_404_page(db, visitor):
    response = visitor.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>页面不存在 · 东西部协作信息公开平台</title>" in html
    assert 'class="portal-header"' in html
    assert f'href="{reverse("cooperation:project-list")}"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_unknown_record_gets_the_portal_404_page(db, visitor):
    response = visitor.get(reverse("cooperation:region-detail", kwargs={"pk": 12345}))

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.urls(__name__)
def test_server_error_gets_the_portal_500_page(db, visitor):
    response = visitor.get("/broken/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "<title>服务器错误 · 东西部协作信息公开平台</title>" in html
    assert 'class="portal-header"' in html
    assert '<html lang="zh-hans">' in html
    assert "a bug" not in html


@pytest.mark.urls(__name__)
def test_500_page_needs_no_database(db, visitor, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = visitor.get("/broken/")

    assert response.status_code == 500
