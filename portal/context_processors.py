from django.conf import settings


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
