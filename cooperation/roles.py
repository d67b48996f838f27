"""The admin roles. Editors (编辑) write records and submit them for review; reviewers
(审核者) approve them or send them back; publishers (发布者) publish, withdraw and delete,
and alone change the reference records (sources, places, bodies, people). One person may
hold several roles, but never review what they wrote (cooperation/publishing.py)."""

EDITORS = "编辑"
REVIEWERS = "审核者"
PUBLISHERS = "发布者"
ROLES = [EDITORS, REVIEWERS, PUBLISHERS]

REFERENCE = ["source", "region", "organization", "person"]
RECORDS = [
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
MODELS = REFERENCE + RECORDS
PUBLISHABLE = ["pairing", "project", "beneficiary"]


def codenames(role):
    names = [f"view_{model}" for model in MODELS] + ["view_revision"]
    if role == EDITORS:
        names += [f"{action}_{model}" for model in RECORDS for action in ("add", "change")]
        # Removing a figure or a place from a page is an edit like another: reviewed when
        # the page is published. Whole records are deleted by publishers.
        names += [f"delete_{model}" for model in RECORDS if model not in PUBLISHABLE]
    if role == REVIEWERS:
        names += ["review_revision"]
    if role == PUBLISHERS:
        names += [f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete")]
        names += [f"publish_{model}" for model in PUBLISHABLE]
    return names
