output "hosts" {
  description = "Ansible host variables per component."
  value       = { for k, c in docker_container.component : k => { container = c.name } }
}
