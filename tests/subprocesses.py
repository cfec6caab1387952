"""Running the project in a fresh interpreter, free of the test run's own settings."""

import json
import os
import subprocess
import sys
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


def run_script(script, *args, timeout=300, **env):
    """Run ``script`` (Python source) with ``args`` in a fresh interpreter (``fresh_environment(**env)``)
    and return the JSON value it printed last; fails with the end of its stderr unless it exits 0."""
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=fresh_environment(**env),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
