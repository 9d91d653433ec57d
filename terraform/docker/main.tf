locals {
  # A volume entry "/path" is the component's own volume; "NAME:/path" mounts the instance's
  # volume NAME, shared by every component that names it (e.g. a log file one writes and another
  # reads). Own volumes keep their historical keys, so existing instances see no change.
  mounts = flatten([
    for cname, c in var.containers : [
      for v in c.volumes : {
        container = cname
        key       = length(split(":", v)) == 2 ? "shared-${split(":", v)[0]}" : "${cname}${replace(v, "/", "-")}"
        path      = length(split(":", v)) == 2 ? split(":", v)[1] : v
      }
    ]
  ])
  volumes = toset([for m in local.mounts : m.key])
}

# The instance's own network. kreuzwerker/docker's docker_network sleeps a fixed 2 s after
# creating and after removing a network (networkReadRefreshDelay, networkRemoveRefreshDelay in
# resource_docker_network_funcs.go): 4 s of a ~5 s lifecycle, on the critical path since every
# container needs the network. The Docker CLI does the same in 0.1 s, so Terraform owns the
# network through terraform_data, with argv-only provisioners (no shell) and the same labels.
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

resource "docker_volume" "data" {
  for_each = local.volumes
  name     = "${var.name}-${each.key}"

  # A volume's labels cannot change in place, and one (the run) differs at every `up`: a later
  # apply (a changed lab definition) would otherwise delete the learner's data to relabel it.
  lifecycle {
    ignore_changes = [labels]
  }

  dynamic "labels" {
    for_each = var.labels
    content {
      label = labels.key
      value = labels.value
    }
  }
}

# The lead component (the lab's first: its database or main service, usually the slowest to
# answer) is created before the others. The engine starts containers one at a time however many
# are asked for at once, so the lead's own start-up now runs while the rest are created instead
# of after them: mod-008's PostgreSQL answered 0.2-0.3 s sooner.
module "lead" {
  source       = "./container"
  containers   = { for k, c in var.containers : k => c if k == var.lead }
  name         = var.name
  network      = terraform_data.network.output.name
  bind_address = var.bind_address
  labels       = var.labels
  mounts       = local.mounts
  volume_names = { for k, v in docker_volume.data : k => v.name }
}

module "rest" {
  source       = "./container"
  containers   = { for k, c in var.containers : k => c if k != var.lead }
  name         = var.name
  network      = terraform_data.network.output.name
  bind_address = var.bind_address
  labels       = var.labels
  mounts       = local.mounts
  volume_names = { for k, v in docker_volume.data : k => v.name }
  depends_on   = [module.lead]
}

# Sandboxes made before the lead existed keep their containers' state.
moved {
  from = docker_container.component
  to   = module.rest.docker_container.component
}
