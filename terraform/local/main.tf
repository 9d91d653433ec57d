# A sandbox folder per instance with one subfolder per component, made with Terraform's built-in
# provider only, so the lifecycle can be exercised anywhere without a provider mirror.

terraform {
  required_version = ">= 1.6"
}

variable "sandbox_dir" {
  type        = string
  description = "Absolute path of this instance's sandbox folder."
}

variable "components" {
  type        = list(string)
  description = "Component names; each gets a subfolder."
}

variable "labels" {
  type        = map(string)
  description = "Ownership labels (lab, instance, run id)."
}

resource "terraform_data" "sandbox" {
  input = var.sandbox_dir

  provisioner "local-exec" {
    interpreter = ["mkdir", "-p", "-m", "0700"]
    command     = self.input
  }

  provisioner "local-exec" {
    when        = destroy
    interpreter = ["rm", "-rf"]
    command     = self.input
  }
}

resource "terraform_data" "component" {
  for_each = toset(var.components)
  input    = "${terraform_data.sandbox.output}/${each.key}"

  provisioner "local-exec" {
    interpreter = ["mkdir", "-p"]
    command     = self.input
  }
}

output "hosts" {
  description = "Ansible host variables per component."
  value = {
    for name, c in terraform_data.component : name => {
      component_dir = c.output
      labels        = var.labels
    }
  }
}

output "endpoints" {
  description = "What the learner reaches: here, folders."
  value       = { for name, c in terraform_data.component : name => "file://${c.output}" }
}
