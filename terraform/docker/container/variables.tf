variable "containers" {
  description = "Component name -> container settings: the root module's `containers`, typed there."
  type        = any
}

variable "name" {
  type        = string
  description = "Prefix of every container name."
}

variable "network" {
  type        = string
  description = "The sandbox's own network, the containers' only one."
}

variable "bind_address" {
  type        = string
  description = "Host address ports are published on."
}

variable "labels" {
  type        = map(string)
  description = "Ownership labels put on every container."
}

variable "mounts" {
  type        = list(object({ container = string, key = string, path = string }))
  description = "Every volume mount of the sandbox; each container takes its own."
}

variable "volume_names" {
  type        = map(string)
  description = "Volume key -> the Docker volume's name."
}
