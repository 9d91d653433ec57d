"""`lab images build`: every image the given labs need, with progress."""

from __future__ import annotations

from provisioner.backends.common import images
from provisioner.core.errors import LabError, UsageError
from provisioner.core.report import Reporter
from provisioner.definitions import catalog


def build_for_labs(lab_ids: list[str], report: Reporter) -> dict[str, str]:
    from provisioner.backends.docker.backend import engine_running

    ids = lab_ids or [s["id"] for s in catalog.summaries() if s["backend"] == "docker"]
    names: list[str] = []
    required: set[str] = set()  # images of non-optional components: these must build
    vm_variants: list[str] = []
    for lab_id in ids:
        lab = catalog.load(lab_id)
        if lab.sandbox.backend == "vm":
            from provisioner.backends.vm.backend import variant_of

            vm_variants += [v for v in [variant_of(lab)] if v not in vm_variants]
            continue
        if lab.sandbox.backend != "docker":
            raise UsageError(f"{lab_id} runs on the {lab.sandbox.backend} backend: it has no container images")
        names += [c.image for c in lab.sandbox.components if c.image and c.image not in names]
        required |= {c.image for c in lab.sandbox.components if c.image and not c.optional}
    built = {}
    if names:
        engine_running()
    for name in names:
        report.step("image", name)
        try:
            built[name] = images.ensure(name, report.info)
        except LabError as exc:  # an optional component's image (e.g. Grafana offline): `up` leaves it out
            if name in required:
                raise
            built[name] = f"unavailable (optional): {exc.message}"
    for variant in vm_variants:
        from provisioner.backends.vm.backend import ensure_image, libvirt_version

        libvirt_version()  # the image is published into a libvirt pool
        report.step("image", f"vm-base ({variant})")
        built[f"vm-base:{variant}"] = str(ensure_image(variant, report.info).root)
    return built
