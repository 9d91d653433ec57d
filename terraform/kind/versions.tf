terraform {
  # Only Terraform's built-in terraform_data: the cluster is made and removed by the kind CLI
  # (the kind provider is not served offline, and the CLI is what a learner runs by hand).
  required_version = ">= 1.6"
}
