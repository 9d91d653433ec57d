output "hosts" {
  description = "Ansible host variables per component."
  value       = merge(module.lead.hosts, module.rest.hosts)
}

output "endpoints" {
  description = "Endpoint name -> URL (http, https) or host:port, on the bind address."
  value = merge([
    for cname, c in var.containers : {
      for p in c.ports : p.name => (
        contains(["http", "https"], p.scheme)
        ? "${p.scheme}://${var.bind_address}:${p.external}"
        : "${var.bind_address}:${p.external}"
      )
    }
  ]...)
}
