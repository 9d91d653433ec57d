variable "name" {
  type        = string
  description = "Prefix of every resource name: lab-<lab>-<instance> (sweep finds leftovers by it)."
}

variable "description" {
  type        = string
  description = "Ownership metadata (JSON: tool, lab, instance, student) put on every domain."
}

variable "libvirt_uri" {
  type    = string
  default = "qemu:///system"
}

variable "domain_type" {
  type        = string
  default     = "qemu"
  description = "kvm where the KVM probe boots a kernel, else qemu (TCG)."
  validation {
    condition     = contains(["kvm", "qemu"], var.domain_type)
    error_message = "domain_type is kvm or qemu."
  }
}

variable "tcg_tb_cache_mb" {
  type        = number
  default     = 256
  description = "TCG only: QEMU's translated-code cache per VM (its default, 1 GiB, is mostly RSS)."
}

variable "pool_dir" {
  type        = string
  description = "Directory of this instance's storage pool (its overlays)."
}

variable "base_volume_id" {
  type        = string
  description = "Key (path) of the shared base qcow2 in the lab images pool; overlays are thin on it."
}

variable "kernel" {
  type        = string
  description = "Kernel of the base image (direct kernel boot)."
}

variable "initrd" {
  type        = string
  description = "Initrd of the base image."
}

variable "cmdline" {
  type        = map(string)
  description = "Kernel arguments, key => value; the key \"_\" holds bare words."
}

variable "console_log_dir" {
  type        = string
  default     = "/var/log/libvirt/qemu"
  description = "Where virtlogd writes each VM's serial console (<domain>-console.log)."
}

variable "bind_address" {
  type        = string
  default     = "127.0.0.1"
  description = "Host address the forwarded ports listen on; loopback unless asked otherwise."
}

variable "ssh_user" {
  type    = string
  default = "learner"
}

variable "ssh_key_file" {
  type        = string
  description = "Path of the matching private key (reported in the outputs only)."
}

variable "vms" {
  description = <<-EOT
    One VM per sandbox component; ports are forwarded from bind_address by QEMU user networking.
    seed: path of the VM's cloud-init seed ISO (NoCloud, volume id cidata), made by the backend:
    hostname, and ssh_user with the instance's public key.
  EOT
  type = map(object({
    memory_mb = number
    vcpus     = number
    seed      = string
    ports     = list(object({ name = string, internal = number, external = number, scheme = string }))
  }))
  validation {
    condition     = alltrue([for vm in var.vms : endswith(vm.seed, ".iso")])
    error_message = "Each seed is a path ending in .iso (the provider attaches .iso files as CD-ROMs)."
  }
}
