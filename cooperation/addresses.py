"""Record pages' addresses for pages and files that link thousands of records (the sitemap,
the region list): one reverse() per kind of page, key and language, and the record's key
put in by string replacement."""

from functools import lru_cache

from django.urls import reverse

# A key no record has, that fits both the pk and the slug converters of the addresses.
MARK = "9876543210123"


@lru_cache(maxsize=64)
def address_template(url_name, key, language):
    """A record page's address in the active language (an argument, so that each language
    has its own), with MARK where the record's key goes."""
    return reverse(url_name, kwargs={key: MARK})


def address(template, key):
    return template.replace(MARK, str(key))
