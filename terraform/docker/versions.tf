terraform {
  required_version = ">= 1.6"

  required_providers {
    # The registry's provider, as a user would have it; offline, lab's CLI config points
    # Terraform at a filesystem mirror built from the Go module proxy (scripts/build-provider-mirror).
    docker = {
      source  = "kreuzwerker/docker"
      version = "4.6.0"
    }
  }
}

provider "docker" {}
