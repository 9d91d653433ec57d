variable "name" {
  type        = string
  description = "Prefix of every resource name: lab-<lab>-<instance>."
}

variable "labels" {
  type        = map(string)
  description = "Ownership labels put on every resource (tool, lab, instance, student, run)."
}

variable "bind_address" {
  type        = string
  default     = "127.0.0.1"
  description = "Host address ports are published on; loopback unless asked otherwise."
}

variable "containers" {
  description = "One container per sandbox component."
  type = map(object({
    image     = string
    env       = map(string)
    ports     = list(object({ name = string, internal = number, external = number, scheme = string }))
    volumes   = list(string)
    command   = list(string)
    memory_mb = number
  }))
}

variable "lead" {
  type        = string
  default     = ""
  description = "The component created before the others (none: all at once)."
}
