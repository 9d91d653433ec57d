variable "name" {
  type        = string
  description = "Cluster name: prefix of the node containers (<name>-control-plane, <name>-worker...)."
}

variable "kind" {
  type        = string
  description = "Path of the kind binary."
}

variable "kubectl" {
  type        = string
  description = "Path of the kubectl binary, for the access sheet."
}

variable "image" {
  type        = string
  description = "Node image (lab/kind-node:<hash>, built by `lab images build`)."
}

variable "config" {
  type        = string
  description = "Path of the rendered kind cluster configuration (nodes, port mappings on 127.0.0.1)."
}

variable "kubeconfig" {
  type        = string
  description = "The instance's own kubeconfig (0600 under the state root); never ~/.kube/config."
}

variable "labels" {
  type        = map(string)
  description = "Ownership labels put on the instance's network (tool, lab, instance, home, run)."
}

variable "bind_address" {
  type        = string
  default     = "127.0.0.1"
  description = "Address the published node ports listen on."
}

variable "ports" {
  type = list(object({
    name     = string
    external = number
    scheme   = string
  }))
  description = "Published node ports: endpoint name, host port, scheme."
}
