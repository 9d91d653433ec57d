"""Exercise cost-report: hourly cost of the running EC2 fleet per (Project, Environment).

Specification:
- list the instances with boto3 (the endpoint, region and credentials come from the
  environment; do not hard-code them), paginating with a paginator
- count only instances in state `running` or `pending`
- group by the values of the tags `Project` and `Environment`; a missing tag counts as
  `untagged`
- hourly cost = sum of prices.json[instance type] for the group
- write cost-report.csv next to this file: a header
  `project,environment,instances,hourly_usd`, then one line per group sorted by project then
  environment, the cost with exactly 4 decimals (e.g. `fraud,prod,2,0.1664`)
- tagging policy: every instance carries Project, Environment, CostCenter and Owner. Write
  untagged.csv next to this file: a header `instance_id,instance_type,missing`, then one line
  per counted (running or pending) instance that lacks any of them, sorted by instance id;
  `missing` = the missing keys in that order joined with `;` (e.g. `Environment;CostCenter`)
"""


def main() -> None:
    raise NotImplementedError("exercise cost-report")


if __name__ == "__main__":
    main()
