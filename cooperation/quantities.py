"""Units and qualifiers of quantities: plain choices that the models and the formatting
both use, so that neither has to import the other's module."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Qualifier(models.TextChoices):
    EXACT = "exact", _("确数")
    AT_LEAST = "at_least", _("多（至少）")
    ABOUT = "about", _("约")
    MORE_THAN = "more_than", _("余（超过）")
    LESS_THAN = "less_than", _("不足（少于）")


class Unit(models.TextChoices):
    YUAN = "元", _("元")
    PERSON = "人", _("人")
    PERSON_TIME = "人次", _("人次")
    ITEM = "个", _("个")
    ENTERPRISE = "家", _("家")
    SCHOOL = "所", _("所")
    SESSION = "期", _("期")
    BATCH = "批", _("批")
    LESSON = "节", _("节")
    KIND = "种", _("种")
    JIN = "斤", _("斤")
    PAIR = "对", _("对")
    MU = "亩", _("亩")
    HOUSEHOLD = "户", _("户")
    TONNE = "吨", _("吨")
    PERCENT = "%", _("%")
    TIMES = "倍", _("倍")


def combine_qualifiers(qualifiers):
    """The qualifier of a sum: one approximate term makes the whole sum approximate, and so
    does a lower bound added to an upper bound (more than 5 plus less than 3 is neither)."""
    found = set(qualifiers)
    lower = found & {Qualifier.AT_LEAST, Qualifier.MORE_THAN}
    if Qualifier.ABOUT in found or (lower and Qualifier.LESS_THAN in found):
        return Qualifier.ABOUT
    if Qualifier.LESS_THAN in found:
        return Qualifier.LESS_THAN
    if found == {Qualifier.MORE_THAN}:
        return Qualifier.MORE_THAN
    if found & {Qualifier.AT_LEAST, Qualifier.MORE_THAN}:
        return Qualifier.AT_LEAST
    return Qualifier.EXACT
