output "hosts" {
  description = "Ansible host variables per component."
  value       = { for k, c in docker_container.component : k => { container = c.name } }
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
