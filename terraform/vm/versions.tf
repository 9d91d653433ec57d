terraform {
  required_version = ">= 1.6"

  required_providers {
    # dmacvicar/libvirt 0.8.3: offline, built from the Go module proxy into the filesystem
    # mirror (scripts/build-provider-mirror); the /v2 rewrite (0.9.x) is not served there.
    libvirt = {
      source  = "dmacvicar/libvirt"
      version = "0.8.3"
    }
  }
}

provider "libvirt" {
  uri = var.libvirt_uri
}
