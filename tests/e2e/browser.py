"""The instructor's page in a real browser: `lab cohort serve` as a process of its own, driven by
Debian's headless Chromium through its chromedriver (Selenium)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
# Screenshots and other evidence a run leaves for people to look at (.gitignore keeps it out).
ARTIFACTS = Path(os.environ.get("LAB_TEST_ARTIFACTS") or REPO / ".artifacts")


@contextmanager
def served(lab_id: str, *args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`lab cohort serve` on a free port; its address, and the process (stopped with Ctrl-C)."""
    argv = [sys.executable, "-m", "provisioner", "cohort", "serve", lab_id, "--port", "0", *args]
    proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
    try:
        yield _address(proc), proc
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)  # checks that run finish first


def _address(proc: subprocess.Popen[str]) -> str:
    assert proc.stderr is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if match := re.search(r"(http://\S+)", line):
            return match.group(1)
        if not line and proc.poll() is not None:
            raise AssertionError(f"lab cohort serve ended with {proc.returncode}")
    raise AssertionError("lab cohort serve printed no address within 60 s")


@contextmanager
def chromium() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # root in a container: Chromium's own sandbox needs user namespaces it may not get
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: WebDriver, seconds: float, what: str, condition: object) -> None:
    WebDriverWait(driver, seconds, poll_frequency=0.5).until(condition, f"{what} within {seconds:.0f} s")


def cell_status(driver: WebDriver, student: str, exercise: str) -> str:
    """Read in one script: the page may redraw the row between a find and a read."""
    selector = f'tr[data-student="{student}"] td[data-exercise="{exercise}"]'
    found = driver.execute_script(
        "const c = document.querySelector(arguments[0]); return c && c.dataset.status", selector
    )
    return str(found or "")


def click_confirmed(driver: WebDriver, student: str, action: str) -> None:
    selector = f'tr[data-student="{student}"] button[data-action="{action}"]:not([disabled])'
    for _ in range(20):  # a check of that student may be redrawing the row, or still running
        try:
            driver.find_element(By.CSS_SELECTOR, selector).click()
            break
        except (StaleElementReferenceException, NoSuchElementException):
            time.sleep(0.5)
    wait_for(driver, 10, "the confirmation", expected_conditions.alert_is_present())
    driver.switch_to.alert.accept()


def screenshot(driver: WebDriver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    driver.execute_script("window.scrollTo(0, 0)")  # a click may have scrolled the grid sideways
    driver.save_screenshot(str(path))
    return path
