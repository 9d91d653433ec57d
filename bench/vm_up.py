"""VM labs: time from `lab up` to SSH-ready and to verified, in the same run. SSH-ready (the
guest booted and sshd answers) is the floor; the ratio verified / SSH-ready shows what
configuration over SSH and the readiness checks add on top of the boot.

    python bench/vm_up.py [mod-002]

SSH-ready is when the forwarded port on 127.0.0.1 answers with an SSH banner (polled while `up`
runs); verified is when `lab up` returns (its readiness checks have passed) plus `lab verify`.
The accelerator (KVM or TCG) is the one `lab doctor` reports.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lab_up import lab_cli
from bench.teardown import torn_down


def banner(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            return sock.recv(8).startswith(b"SSH-")
    except OSError:
        return False


def ssh_port(lab_id: str) -> int | None:
    out = (
        subprocess.run(
            [sys.executable, "-m", "provisioner", "status", "-o", "json"], capture_output=True, text=True, check=False
        ).stdout
        or "[]"
    )
    for row in json.loads(out):
        if row["lab"] == lab_id and (ssh := row["endpoints"].get("ssh")):
            return int(str(ssh).rsplit(":", 1)[1])
    return None


def main() -> None:
    lab_id = sys.argv[1] if len(sys.argv) > 1 else "mod-002"
    lab_cli("images", "build", lab_id)
    found: dict[str, float] = {}
    stop = threading.Event()
    started = time.perf_counter()

    def watch() -> None:
        while not stop.is_set():
            port = ssh_port(lab_id)
            if port and banner(port):
                found["ssh_ready_s"] = time.perf_counter() - started
                return
            time.sleep(0.5)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    up = lab_cli("up", lab_id)
    verify = lab_cli("verify", lab_id)
    stop.set()
    down = lab_cli("down", lab_id)
    accel = subprocess.run(
        [sys.executable, "-m", "provisioner", "doctor", "-o", "json"], capture_output=True, text=True, check=False
    ).stdout
    vm_row = next((r for r in json.loads(accel or "[]") if r["name"] == "vm"), {})
    figures = {
        "lab": lab_id,
        "accelerator": vm_row.get("detail", "?"),
        "ssh_ready_s": round(found.get("ssh_ready_s", float("nan")), 1),
        "verified_s": round(up + verify, 1),
        "down_s": round(down, 1),
    }
    if "ssh_ready_s" in found:
        figures["ratio_verified_to_ssh_ready"] = round((up + verify) / found["ssh_ready_s"], 2)
    for key, value in figures.items():
        print(f"{key:<14} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    with torn_down():
        main()
