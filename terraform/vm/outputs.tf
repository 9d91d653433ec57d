output "hosts" {
  description = "Ansible host variables per VM (the connection itself is the backend's)."
  value = {
    for k, d in libvirt_domain.vm : k => {
      domain       = d.name
      ssh_host     = var.bind_address
      ssh_port     = one([for p in var.vms[k].ports : p.external if p.internal == 22])
      ssh_user     = var.ssh_user
      ssh_key_file = var.ssh_key_file
    }
  }
}

output "endpoints" {
  description = "Endpoint name -> URL (ssh, http, https) or host:port, on the bind address."
  value = merge([
    for k, vm in var.vms : {
      for p in vm.ports : p.name => (
        p.scheme == "ssh" ? "ssh://${var.ssh_user}@${var.bind_address}:${p.external}" :
        contains(["http", "https"], p.scheme) ? "${p.scheme}://${var.bind_address}:${p.external}" :
        "${var.bind_address}:${p.external}"
      )
    }
  ]...)
}
