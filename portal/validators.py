from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def character_classes(password):
    """Which of lower-case letters, upper-case letters, digits and other signs appear."""
    classes = set()
    for char in password:
        if char.isascii() and char.islower():
            classes.add("lower")
        elif char.isascii() and char.isupper():
            classes.add("upper")
        elif char.isdigit():
            classes.add("digit")
        else:
            classes.add("other")
    return classes


class CharacterClassValidator:
    """Passwords mix at least `min_classes` of the four kinds of character."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(
                _("密码至少要包含小写字母、大写字母、数字和其他符号中的 %(min_classes)d 类。"),
                code="password_too_uniform",
                params={"min_classes": self.min_classes},
            )

    def get_help_text(self):
        return _("密码至少要包含小写字母、大写字母、数字和其他符号中的 %(min_classes)d 类。") % {
            "min_classes": self.min_classes
        }
