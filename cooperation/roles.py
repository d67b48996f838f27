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


def grant(apps, names):
    """Gives each of these roles exactly its cooperation permissions, creating the groups as
    needed; for data migrations, which run before Django creates the permissions itself."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="cooperation")
    for role in names:
        group, _created = Group.objects.get_or_create(name=role)
        # Only the cooperation permissions are set here: what another app grants (the
        # publishers' error reports, in portal) stays.
        group.permissions.remove(*ours.exclude(codename__in=codenames(role)))
        group.permissions.add(*ours.filter(codename__in=codenames(role)))
