# The instance's own Docker network, labelled like every resource of lab, so that `lab gc` finds
# a cluster whose state was lost; kind puts its nodes on it (KIND_EXPERIMENTAL_DOCKER_NETWORK).
resource "terraform_data" "network" {
  input = {
    name   = var.name
    labels = [for k, v in var.labels : "--label=${k}=${v}"]
  }

  provisioner "local-exec" {
    interpreter = concat(["docker", "network", "create"], self.input.labels)
    command     = self.input.name
  }

  provisioner "local-exec" {
    when        = destroy
    interpreter = ["docker", "network", "rm"]
    command     = self.input.name
  }
}

# The cluster, through the kind CLI with argv-only provisioners (no shell). A failed create
# removes its nodes itself (kind without --retain); `lab down` after a kill -9 runs the destroy
# provisioner, or the sweep step deletes the cluster by name when Terraform never recorded it.
resource "terraform_data" "cluster" {
  depends_on = [terraform_data.network]

  input = {
    name       = var.name
    kind       = var.kind
    image      = var.image
    config     = var.config
    kubeconfig = var.kubeconfig
  }

  provisioner "local-exec" {
    interpreter = [
      self.input.kind, "create", "cluster", "--name", self.input.name, "--image", self.input.image,
      "--config", self.input.config, "--kubeconfig",
    ]
    command     = self.input.kubeconfig
    environment = { KIND_EXPERIMENTAL_DOCKER_NETWORK = self.input.name }
  }

  provisioner "local-exec" {
    when        = destroy
    interpreter = [self.input.kind, "delete", "cluster", "--name", self.input.name, "--kubeconfig"]
    command     = self.input.kubeconfig
  }
}
