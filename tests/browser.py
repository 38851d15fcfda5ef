"""Headless Chromium for the tests that check how an HTML page of the course renders.

The flags keep it offline and quiet on a machine with no network (no background fetches, no
first-run page) and let it run as root; each call gets a profile folder of its own.
"""

import shutil
import subprocess

import pytest


def chromium() -> str:
    """The browser's path; the test fails, saying how to install it, when there is none."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("headless Chromium is needed to check that the page renders: install it "
                "(Debian/Ubuntu: apt-get install -y chromium); CI installs it")


def run_chromium(args, profile) -> subprocess.CompletedProcess:
    """Headless Chromium with ``args`` (``--dump-dom URL``, ``--screenshot=PNG URL``)."""
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)
