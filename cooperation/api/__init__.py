"""The read-only JSON API, version 1: its instance is cooperation.api.service.api."""
