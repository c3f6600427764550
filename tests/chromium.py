"""Headless Chromium (Debian's `chromium` package) for the report's browser tests.

One place that finds the browser and runs it, so every browser test has the same flags, the same
generous time limit and the same rule for a missing browser: skipped on a workstation, a
failure in CI (`CI` set), where `.ci/run` installs it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

TIMEOUT_SECONDS = 300
"""Per browser run. A render takes seconds on an idle machine, but CI runs three suites on two
cores at once; the limit only guards against a browser that never exits."""

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--hide-scrollbars",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def require_chromium() -> Path:
    """The browser's path; skips the test when it is missing, fails it in CI."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); CI runs this test")
    return CHROMIUM


def run_chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with `args` and its own profile directory; output as text.

    A run that hangs past TIMEOUT_SECONDS is tried once more (headless Chromium now and then
    does not exit after --dump-dom or --print-to-pdf on a loaded machine); a second hang
    raises subprocess.TimeoutExpired.
    """
    command = [str(CHROMIUM), *_FLAGS, f"--user-data-dir={profile}", *args]
    try:
        return subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        return subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
