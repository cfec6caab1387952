"""Shared by the browser tests: Debian's Chromium, driven by Playwright, never a downloaded browser."""

import os

from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Screenshots for a person to look at; gitignored.
ARTIFACTS = settings.BASE_DIR / "artifacts"


def chromium_available():
    return os.access(CHROMIUM, os.X_OK)
