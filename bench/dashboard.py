"""The instructor's page for a real cohort: how fast it loads and refreshes in Chromium, and what
its background checks cost, each against a plain baseline measured in the same run.

    python bench/dashboard.py [--lab mod-008] [--students 20] [--minutes 2]

- page load: `lab cohort serve`'s page until every student's row is drawn, against Chromium
  loading the same grid saved as a static page from a plain http.server;
- refresh: "re-run checks" posted for one student until the browser shows the new check, against
  `lab check` of that student from the command line (the same work, without the page);
- CPU: the machine's CPU seconds per minute while the page checks every sandbox every 60 s,
  against the same minutes with the page serving, not checking (run nothing else meanwhile).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cohort import lab, write_roster
from bench.teardown import torn_down
from provisioner.core import paths
from tests.e2e.browser import chromium, served

ROW = 'document.querySelectorAll("tr[data-student]").length'


def page_load(url: str, students: int, folder: Path) -> tuple[float, float]:
    """Seconds to every row drawn: the page, then its grid saved as a static file."""
    with chromium() as driver:
        started = time.perf_counter()
        driver.get(url)
        while driver.execute_script(f"return {ROW}") < students:
            time.sleep(0.01)
        page = time.perf_counter() - started
        (folder / "static.html").write_text(driver.execute_script("return document.documentElement.outerHTML"))
        (folder / "static").mkdir(exist_ok=True)  # the same style sheet; no script: the rows are drawn
        shutil.copy(paths.TEMPLATES_DIR / "dashboard" / "static" / "board.css", folder / "static")
        handler = partial(_Quiet, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started = time.perf_counter()
        driver.get(f"http://127.0.0.1:{server.server_port}/static.html")
        while driver.execute_script(f"return {ROW}") < students:
            time.sleep(0.01)
        static = time.perf_counter() - started
        server.shutdown()
    return page, static


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def refresh(url: str, lab_id: str, student: str, csrf: str) -> tuple[float, float]:
    """Seconds from "re-run checks" to the browser showing it; `lab check` of the same student."""
    cell = f"document.querySelector('tr[data-student=\"{student}\"] td:nth-child(5)').title"
    with chromium() as driver:
        driver.get(url)
        while driver.execute_script(f"return {ROW}") == 0:
            time.sleep(0.05)
        before = driver.execute_script(f"return {cell}")
        started = time.perf_counter()
        action = f"{url}api/students/{student}/check"
        post = urllib.request.Request(action, method="POST", headers={"x-csrf-token": csrf})  # noqa: S310
        urllib.request.urlopen(post, timeout=30).close()  # noqa: S310 - our own loopback page
        while driver.execute_script(f"return {cell}") == before:
            time.sleep(0.05)
        page = time.perf_counter() - started
    started = time.perf_counter()
    # exit code 1: exercises not done yet, as expected of a fresh sandbox
    argv = [sys.executable, "-m", "provisioner", "check", lab_id, "--instance", student]
    assert subprocess.run(argv, capture_output=True, check=False).returncode in (0, 1)
    return page, time.perf_counter() - started


def machine_cpu_seconds() -> float:
    """Every core's busy time so far (/proc/stat): the page's checks cost in the containers, in
    dockerd and in the processes each `docker exec` starts, so only the whole machine counts it."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_per_minute(lab_id: str, interval: str, minutes: float) -> float:
    with served(lab_id, "--interval", interval):
        time.sleep(5)  # start-up is not part of the steady state
        before = machine_cpu_seconds()
        time.sleep(minutes * 60)
        return (machine_cpu_seconds() - before) / minutes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lab", default="mod-008")
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=2.0)
    args = parser.parse_args()
    home = Path(os.environ["LAB_HOME"])
    ids = [f"s{i:02d}" for i in range(1, args.students + 1)]
    roster = write_roster(home, ids)
    lab("cohort", "up", args.lab, "--roster", str(roster), "-j", "4")
    with served(args.lab, "--interval", "0s") as (url, _):
        html = urllib.request.urlopen(url, timeout=30).read().decode()  # noqa: S310 - our own loopback page
        csrf = html.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        load, static = page_load(url, args.students, home)
        shown, cli = refresh(url, args.lab, ids[0], csrf)
    busy = cpu_per_minute(args.lab, "60s", args.minutes)
    idle = cpu_per_minute(args.lab, "0s", args.minutes)
    lab("cohort", "down", args.lab, "-j", "4")
    figures = {
        "lab": args.lab,
        "students": args.students,
        "page_load_s": round(load, 3),
        "static_page_load_s": round(static, 3),
        "ratio_page_to_static": round(load / static, 2),
        "recheck_shown_s": round(shown, 2),
        "lab_check_s": round(cli, 2),
        "ratio_recheck_to_lab_check": round(shown / cli, 2),
        "cpu_s_per_min_checking_every_60s": round(busy, 1),
        "cpu_s_per_min_idle": round(idle, 1),
        "cpu_s_per_min_per_student_for_checks": round((busy - idle) / args.students, 2),
    }
    for key, value in figures.items():
        print(f"{key:<38} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    with torn_down():
        main()
