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
# JPEG at this quality keeps every character legible and takes half the time of PNG to encode.
SCREENSHOT_QUALITY = 90


def chromium_available():
    return os.access(CHROMIUM, os.X_OK)


def save_screenshot(target, name, **options):
    """Write a screenshot of ``target`` (a page or a locator) to artifacts/NAME.jpg and return its path.

    A file an earlier run left under the same name is removed first, so the file is this run's.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.jpg"
    path.unlink(missing_ok=True)
    target.screenshot(path=path, type="jpeg", quality=SCREENSHOT_QUALITY, **options)
    return path
