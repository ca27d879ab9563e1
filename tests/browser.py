"""What the browser tests need, installed by the tests themselves on a fresh machine.

- Chromium and its driver from Debian's packages (`chromium`, `chromium-driver`), through
  apt-get when they are missing: a browser download of Selenium's or Playwright's own cannot
  work here, and the Debian build is the one CI has.
- axe-core, pinned, from the npm registry through npm, into a git-ignored cache folder.
- A headless Chromium driven by Selenium with a fresh profile, file downloads into a given
  folder, and the browser console kept (so a Content-Security-Policy violation is seen).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_VERSION = "4.14.1"
AXE_DIR = CACHE / f"axe-core-{AXE_VERSION}"
APT_TIMEOUT = 600
# Flags that work in this sandbox: no GPU, no sandbox (root), and nothing that phones home.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def _run(argv: list[str], timeout: float) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-2000:]}")


def apt_install(*packages: str) -> None:
    """apt-get install, as root (or through sudo); waits for another apt run to finish."""
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if prefix and shutil.which("sudo") is None:
        pytest.fail(f"the browser tests need {' '.join(packages)}: install them (apt-get) as root")
    lock = ["-o", "DPkg::Lock::Timeout=300"]
    _run([*prefix, "apt-get", *lock, "update", "-qq"], APT_TIMEOUT)
    _run(
        [*prefix, "apt-get", *lock, "install", "-y", "-qq", "--no-install-recommends", *packages],
        APT_TIMEOUT,
    )


def ensure_chromium() -> None:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        apt_install("chromium", "chromium-driver")


def axe_source() -> str:
    """axe.min.js of the pinned version, installed with npm on first use."""
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    package = script.with_name("package.json")
    if not (package.exists() and json.loads(package.read_text())["version"] == AXE_VERSION):
        if shutil.which("npm") is None:
            apt_install("npm")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        _run(
            [
                "npm",
                "install",
                "--prefix",
                str(AXE_DIR),
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                f"axe-core@{AXE_VERSION}",
            ],
            300,
        )
    return script.read_text()


def chromium(profile: Path, downloads: Path, width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
    """A headless Chromium under Selenium, given the paths so Selenium Manager never runs."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    return driver
