"""The admin roles: editors enter records, publishers publish and delete them."""

EDITORS = "编辑"
PUBLISHERS = "发布者"

MODELS = [
    "source",
    "region",
    "organization",
    "person",
    "pairing",
    "project",
    "projectlocation",
    "projectorganization",
    "beneficiary",
    "benefit",
    "figure",
    "indicator",
    "event",
]
PUBLISHABLE = ["pairing", "project", "beneficiary"]


def codenames(role):
    names = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
    if role == PUBLISHERS:
        names += [f"delete_{model}" for model in MODELS]
        names += [f"publish_{model}" for model in PUBLISHABLE]
    return names
