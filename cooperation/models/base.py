from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 2000
LAST_YEAR = 2100
year_validators = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


def year_in_range(field):
    """A condition for CheckConstraint: the year field is empty or within 2000–2100."""
    return models.Q(**{f"{field}__isnull": True}) | models.Q(
        **{f"{field}__gte": FIRST_YEAR, f"{field}__lte": LAST_YEAR}
    )


class Side(models.TextChoices):
    EAST = "east", _("东部")
    WEST = "west", _("西部")


class Publication(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    ARCHIVED = "archived", _("已归档")


def added_later(field):
    """A field added after history rows were sealed: the audit chain counts it only once it
    holds something, so that those rows still verify (portal.audit)."""
    field.audit_added_later = True
    return field


def english(field):
    """The English version of a public text field, stored beside the Chinese as `<name>_en`:
    optional, an empty one falling back to the Chinese (Translated)."""
    field.blank = True
    return added_later(field)


def in_english():
    return (get_language() or "").startswith("en")


def period_words(chinese, english):
    """A period as the source words it, in the current language: English pages without an
    English wording show the dates the words were read as (formatting.period_label)."""
    return english if in_english() else chinese


def short_or_full_name(record):
    """A place's or a body's short name where it has one, else its name, in the current
    language (an English page without English names shows the Chinese)."""
    if in_english():
        return record.short_name_en or record.name_en or record.short_name or record.name
    return record.short_name or record.name


class Translated:
    """A record whose public texts have English versions (`english()` fields)."""

    def translated(self, name):
        """The field's text in the current language: English where entered, else Chinese."""
        if in_english():
            text = getattr(self, f"{name}_en", "")
            if text:
                return text
        return getattr(self, name)


class RemembersLoaded:
    """Remembers the values of LOADED fields as read from the database, so that save() can
    tell whether one changed (and skip work when none did)."""

    LOADED = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Deferred fields are not read: they count as unknown, never fetched here.
        stored = instance.__dict__
        instance.loaded_values = {name: stored[name] for name in cls.LOADED if name in stored}
        return instance

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.loaded_values = {name: getattr(self, name) for name in self.LOADED}

    def changed_since_loaded(self, name):
        """Whether the field differs from the stored row (unknown counts as changed)."""
        loaded = getattr(self, "loaded_values", {})
        return name not in loaded or loaded[name] != getattr(self, name)


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Publication.PUBLISHED)

    def published_unindexed(self):
        """published(), through a condition no index serves (iexact), for a query another
        index narrows or orders: without statistics SQLite would otherwise walk the status
        index through every published record."""
        return self.filter(status__iexact=Publication.PUBLISHED)


class Publishable(models.Model):
    """A record the public sees only once a publisher has published it."""

    status = models.CharField(
        _("发布状态"),
        max_length=16,
        choices=Publication.choices,
        default=Publication.DRAFT,
        help_text=_("只有“已发布”的记录对公众可见。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == Publication.PUBLISHED


class Cited(Translated, models.Model):
    """A record that says which source it comes from, and quotes the sentence."""

    source = models.ForeignKey(
        "cooperation.Source",
        verbose_name=_("来源"),
        on_delete=models.PROTECT,
    )
    quote = models.TextField(_("原文引用"), blank=True, help_text=_("来源中支持此记录的原句。"))
    quote_en = english(
        models.TextField(
            _("原文引用的英文释义"),
            help_text=_("引文本身保留中文原文；此处填写供英文读者参考的释义。"),
        )
    )
    source_note = models.TextField(
        _("引用说明"),
        blank=True,
        help_text=_("来源表述有歧义时，说明采用的理解。"),
    )
    source_note_en = english(models.TextField(_("引用说明（英文）")))

    class Meta:
        abstract = True


class OptionallyCited(Cited):
    """Reference data (places, bodies, people) may be entered before a source is at hand."""

    source = models.ForeignKey(
        "cooperation.Source",
        verbose_name=_("来源"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        abstract = True
