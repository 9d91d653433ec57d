# The containers of one sandbox: the root module calls this twice, for its lead component and
# for the rest (see ../main.tf).
terraform {
  required_providers {
    docker = {
      source = "kreuzwerker/docker"
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
  network_mode = var.network

  networks_advanced {
    name    = var.network
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
    for_each = { for m in var.mounts : m.key => m if m.container == each.key }
    content {
      volume_name    = var.volume_names[volumes.key]
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
