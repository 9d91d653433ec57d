locals {
  volumes = merge([
    for cname, c in var.containers : {
      for path in c.volumes : "${cname}${replace(path, "/", "-")}" => { container = cname, path = path }
    }
  ]...)
}

resource "docker_network" "sandbox" {
  name = var.name

  dynamic "labels" {
    for_each = var.labels
    content {
      label = labels.key
      value = labels.value
    }
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
  network_mode = docker_network.sandbox.name

  networks_advanced {
    name    = docker_network.sandbox.id
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
    for_each = { for k, v in local.volumes : k => v if v.container == each.key }
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
