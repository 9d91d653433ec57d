output "hosts" {
  description = "Ansible host variables: the cluster, reached through its kubeconfig from this machine."
  value = {
    cluster = {
      cluster    = terraform_data.cluster.output.name
      kubeconfig = terraform_data.cluster.output.kubeconfig
      kubectl    = var.kubectl
    }
  }
}

output "endpoints" {
  description = "Endpoint name -> URL (http, https) or host:port of each published node port."
  value = {
    for p in var.ports : p.name => (
      contains(["http", "https"], p.scheme)
      ? "${p.scheme}://${var.bind_address}:${p.external}"
      : "${var.bind_address}:${p.external}"
    )
  }
}
