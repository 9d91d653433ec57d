"""VM labs: time from `lab up` to SSH-ready and to verified, against a plain QEMU boot of the
same image in the same run.

    python bench/vm_up.py [mod-002]

The baseline boots the lab's first VM image with plain `qemu-system-x86_64`: the same kernel,
initrd and command line, a throwaway copy-on-write disk over the same root image, a cloud-init
seed with a throwaway key, the same memory and CPUs, the accelerator `lab doctor` decided (with
the same TCG cache size), user networking with a loopback port forward to its sshd; it is timed
from the start of QEMU to an SSH banner. SSH-ready is when the lab's forwarded port answers with
an SSH banner (polled while `up` runs, as often as the raw boot's); ready is when `lab up`
returns (its readiness checks have passed and its snapshot for `lab reset` is taken); verified
adds a separate `lab verify` run. Ratios: SSH-ready, ready and verified / raw boot. Also
timed: `lab reset` (each VM back to the snapshot `up` took, its checks passing again) against
`up`, and `down`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lab_up import lab_cli
from bench.teardown import torn_down
from provisioner.backends.vm import accel, bake
from provisioner.backends.vm.backend import CMDLINE
from provisioner.backends.vm.seed import build_iso, seed_files
from provisioner.core import proc
from provisioner.definitions import catalog
from tests.registry_server import free_port

RAW_DEADLINE_S = 600
TCG_TB_CACHE_MB = 256  # terraform/vm's tcg_tb_cache_mb default


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


def raw_argv(lab_id: str, folder: Path, port: int) -> list[str]:
    """Plain QEMU booting the lab's first VM image the way its libvirt domain does."""
    lab = catalog.load(lab_id)
    vm = lab.sandbox.components[0]
    image = bake.ensure_lab_image(proc.run, lab, lambda _line: None)  # the image `up` boots
    disk = folder / "root.qcow2"
    subprocess.run(
        ["qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", str(image.root), str(disk)], check=True
    )
    seed = folder / "seed.iso"
    build_iso(proc.run, seed_files("bench", vm.name, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBench bench"), seed)
    verdict = (accel.forced() or accel.cached() or ("qemu", ""))[0]
    accelerator = "kvm" if verdict == "kvm" else f"tcg,tb-size={TCG_TB_CACHE_MB}"
    cmdline = " ".join(f"{k}={v}" for k, v in CMDLINE.items() if k != "_") + " " + CMDLINE["_"]
    return [
        "qemu-system-x86_64",
        "-accel",
        accelerator,
        "-m",
        str(vm.memory_mb),
        "-smp",
        str(max(1, int(vm.cpus))),
        "-kernel",
        str(image.kernel),
        "-initrd",
        str(image.initrd),
        "-append",
        cmdline,
        "-drive",
        f"file={disk},if=virtio,format=qcow2",
        "-drive",
        f"file={seed},if=virtio,format=raw,readonly=on",
        "-netdev",
        f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:22",
        "-device",
        "virtio-net-pci,netdev=n0",
        "-display",
        "none",
        "-serial",
        f"file:{folder / 'console.log'}",
        "-monitor",
        "none",
        "-nodefaults",
    ]


def raw_boot(lab_id: str) -> float:
    """Seconds from starting plain QEMU to an SSH banner on its forwarded port."""
    with tempfile.TemporaryDirectory(prefix="lab-bench-vm-") as tmp:
        port = free_port()
        argv = raw_argv(lab_id, Path(tmp), port)
        started = time.perf_counter()
        qemu = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while time.perf_counter() - started < RAW_DEADLINE_S:
                if qemu.poll() is not None:
                    raise SystemExit(f"plain QEMU exited with {qemu.returncode}: {' '.join(argv)}")
                if banner(port):
                    return time.perf_counter() - started
                time.sleep(0.25)
            console = (Path(tmp) / "console.log").read_text(errors="replace")[-3000:]
            raise SystemExit(f"plain QEMU: no SSH banner within {RAW_DEADLINE_S} s; its console ended:\n{console}")
        finally:
            qemu.kill()
            qemu.wait()


def main() -> None:
    lab_id = sys.argv[1] if len(sys.argv) > 1 else "mod-002"
    lab_cli("images", "build", lab_id)
    raw = raw_boot(lab_id)
    found: dict[str, float] = {}
    stop = threading.Event()
    started = time.perf_counter()

    def watch() -> None:
        # The port is looked up until `up` has allocated it, then polled as the raw boot's is.
        port = None
        while not stop.is_set():
            port = port or ssh_port(lab_id)
            if port and banner(port):
                found["ssh_ready_s"] = time.perf_counter() - started
                return
            time.sleep(0.25 if port else 0.5)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    up = lab_cli("up", lab_id)
    verify = lab_cli("verify", lab_id)
    stop.set()
    reset = lab_cli("reset", lab_id)
    down = lab_cli("down", lab_id)
    accel = subprocess.run(
        [sys.executable, "-m", "provisioner", "doctor", "-o", "json"], capture_output=True, text=True, check=False
    ).stdout
    vm_row = next((r for r in json.loads(accel or "[]") if r["name"] == "vm"), {})
    figures = {
        "lab": lab_id,
        "accelerator": vm_row.get("detail", "?"),
        "raw_qemu_ssh_s": round(raw, 1),
        "ssh_ready_s": round(found.get("ssh_ready_s", float("nan")), 1),
        "ready_s": round(up, 1),
        "verified_s": round(up + verify, 1),
        "reset_s": round(reset, 1),
        "ratio_reset_to_up": round(reset / up, 2),
        "down_s": round(down, 1),
    }
    if "ssh_ready_s" in found:
        figures["ratio_verified_to_ssh_ready"] = round((up + verify) / found["ssh_ready_s"], 2)
        figures["ratio_ssh_ready_to_raw"] = round(found["ssh_ready_s"] / raw, 2)
    figures["ratio_ready_to_raw"] = round(up / raw, 2)
    figures["ratio_verified_to_raw"] = round((up + verify) / raw, 2)
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    for key, value in figures.items():
        print(f"{key:<14} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    with torn_down():
        main()
