import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.password_validation import validate_password as validate
from django.core.exceptions import ValidationError

from portal.validators import CharacterClassValidator


def refusals(password, user=None):
    try:
        validate(password, user)
    except ValidationError as error:
        return [item.code for item in error.error_list]
    return []


@pytest.mark.parametrize(
    "password",
    [
        "Ziyun-Nansha-2023",  # four kinds
        "ziyun-nansha-2023",  # lower case, digits, signs
        "ZiyunNansha2023",  # lower case, upper case, digits
        "紫云南沙协作Ziyun2023",  # Chinese characters count as signs
    ],
)
def test_long_mixed_password_is_accepted(password):
    assert refusals(password) == []


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("ziyunnanshaxiezuo", "password_too_uniform"),  # one kind
        ("ziyunnansha20231026", "password_too_uniform"),  # two kinds
        ("Zy-2023", "password_too_short"),
        ("Qwerty123456", "password_too_common"),
        ("202310262023", "password_entirely_numeric"),
    ],
)
def test_weak_password_is_refused(password, code):
    assert code in refusals(password)


def test_password_like_the_user_name_is_refused(db):
    user = get_user_model()(username="nansha_bianji", email="bianji@example.gov.cn")
    assert "password_too_similar" in refusals("Nansha_bianji1", user)


def test_refusal_explains_in_chinese():
    with pytest.raises(ValidationError) as refused:
        CharacterClassValidator(min_classes=3).validate("ziyunnanshaxiezuo")
    assert refused.value.messages == ["密码至少要包含小写字母、大写字母、数字和其他符号中的 3 类。"]


def test_rules_are_listed_on_the_password_form():
    texts = password_validators_help_texts()
    assert "密码至少要包含小写字母、大写字母、数字和其他符号中的 3 类。" in texts
    assert any("12" in text for text in texts)
