from django.conf import settings
from django.utils.functional import SimpleLazyObject

from cooperation.counting import lagging
from portal.language import page_in_each_language


def site_identity(request):
    """The footer's publisher, contact, ICP备案号 and 网站标识码, as the deployment set them."""
    return {
        "site_identity": {
            "publisher": settings.SITE_PUBLISHER,
            "contact": settings.SITE_CONTACT,
            "icp": settings.SITE_ICP,
            "code": settings.SITE_CODE,
        }
    }


def page_languages(request):
    """The current page in each language, for the switcher and the hreflang alternates."""
    return {"page_languages": SimpleLazyObject(lambda: page_in_each_language(request))}


def summaries_lagging(request):
    """Whether the page shows a total computed before the latest change (asked when the
    page says so, after its view has read its totals: cooperation/counting.py)."""
    return {"summaries_lagging": lagging}
