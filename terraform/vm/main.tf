locals {
  # libvirt 9.0 has no passt backend for <interface type='user'>, so each VM's NIC is QEMU's own
  # user network with host forwards on the bind address, passed through <qemu:commandline>. The
  # PCI slot is explicit: left to QEMU it collides with a device libvirt placed.
  netdev = {
    for k, vm in var.vms : k => join(",", concat(
      ["user", "id=labnet0", "hostname=${k}"],
      [for p in vm.ports : "hostfwd=tcp:${var.bind_address}:${p.external}-:${p.internal}"],
    ))
  }
}

# The instance's own pool: its overlays, removed with it.
resource "libvirt_pool" "instance" {
  name = var.name
  type = "dir"
  target {
    path = var.pool_dir
  }
}

resource "libvirt_volume" "root" {
  for_each       = var.vms
  name           = "${var.name}-${each.key}-root.qcow2"
  pool           = libvirt_pool.instance.name
  base_volume_id = var.base_volume_id
  format         = "qcow2"
}

resource "libvirt_domain" "vm" {
  for_each    = var.vms
  name        = "${var.name}-${each.key}"
  description = var.description
  type        = var.domain_type
  memory      = each.value.memory_mb
  vcpu        = each.value.vcpus
  kernel      = var.kernel
  initrd      = var.initrd
  cmdline     = [var.cmdline]

  disk {
    volume_id = libvirt_volume.root[each.key].id
  }

  # The cloud-init seed: an ISO the backend made, attached as a plain file (a read-only CD-ROM).
  # Not libvirt_cloudinit_disk: that resource downloads its ISO over a libvirt stream on every
  # refresh, and the provider's libvirt client can deadlock on such a download, which hangs
  # plan, apply and destroy for good. Nothing here uses a libvirt stream.
  disk {
    file = each.value.seed
  }

  # What the provider cannot express: the user-network NIC with its forwards, a logged serial
  # console, a smaller TCG translation cache (QEMU's default is 1 GiB per VM), and no SPICE
  # display or guest-agent channel (the provider adds both by default).
  xml {
    xslt = <<-XSLT
      <?xml version="1.0"?>
      <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                      xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">
        <xsl:output method="xml" omit-xml-declaration="yes"/>
        <xsl:template match="@*|node()">
          <xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy>
        </xsl:template>
        <xsl:template match="devices/graphics|devices/video|devices/channel|devices/console|devices/serial"/>
        <xsl:template match="features">
          <xsl:copy>
            <xsl:apply-templates select="@*|node()"/>
            <xsl:if test="/domain/@type = 'qemu'">
              <tcg><tb-cache unit="MiB">${var.tcg_tb_cache_mb}</tb-cache></tcg>
            </xsl:if>
          </xsl:copy>
        </xsl:template>
        <xsl:template match="devices">
          <xsl:copy>
            <xsl:apply-templates select="@*|node()"/>
            <serial type="pty">
              <log file="${var.console_log_dir}/${var.name}-${each.key}-console.log" append="off"/>
              <target port="0"/>
            </serial>
            <console type="pty"><target type="serial" port="0"/></console>
          </xsl:copy>
        </xsl:template>
        <xsl:template match="/domain">
          <domain>
            <xsl:apply-templates select="@*|node()"/>
            <qemu:commandline>
              <qemu:arg value="-netdev"/>
              <qemu:arg value="${local.netdev[each.key]}"/>
              <qemu:arg value="-device"/>
              <qemu:arg value="virtio-net-pci,netdev=labnet0,bus=pci.0,addr=0x1e,romfile="/>
            </qemu:commandline>
          </domain>
        </xsl:template>
      </xsl:stylesheet>
    XSLT
  }
}
