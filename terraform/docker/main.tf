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

  dynamic "labels" {
    for_each = var.labels
    content {
      label = labels.key
      value = labels.value
    }
  }
}

resource "docker_container" "component" {
  for_each = var.containers

  name     = "${var.name}-${each.key}"
  image    = each.value.image
  hostname = each.key
  env      = [for k, v in each.value.env : "${k}=${v}"]
  command  = length(each.value.command) > 0 ? each.value.command : null
  memory   = each.value.memory_mb
  restart  = "unless-stopped"
  # The sandbox's own network only, never the default bridge: instances cannot reach each other.
  network_mode = terraform_data.network.output.name

  networks_advanced {
    name    = terraform_data.network.output.name
    aliases = [each.key]
  }

  dynamic "ports" {
    for_each = each.value.ports
    content {
      internal = ports.value.internal
      external = ports.value.external
      ip       = var.bind_address
    }
  }

  dynamic "volumes" {
    for_each = { for m in local.mounts : m.key => m if m.container == each.key }
    content {
      volume_name    = docker_volume.data[volumes.key].name
      container_path = volumes.value.path
    }
  }

  dynamic "labels" {
    for_each = merge(var.labels, { "org.lab.component" = each.key })
    content {
      label = labels.key
      value = labels.value
    }
  }
}
