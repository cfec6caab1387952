"""An environment for running the project in a fresh interpreter, free of the test run's own settings."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def fresh_environment(**overrides):
    """os.environ without DJANGO_*, PYTEST_*, DATABASE_URL or REDIS_URL, plus what settings need, plus ``overrides``."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_")) and key not in ("DATABASE_URL", "REDIS_URL")
    }
    environment.update(
        {
            "DJANGO_SECRET_KEY": "k" * 50,
            "DJANGO_SETTINGS_MODULE": "site_config.settings",
            "PYTHONPATH": str(BASE_DIR),
        }
    )
    environment.update(overrides)
    return environment
