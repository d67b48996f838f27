"""The back office: one module per family of models, registered on import."""

from cooperation.admin import intake, records, reference, review, vendor  # noqa: F401
