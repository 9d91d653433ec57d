"""Exercise cost-report: hourly cost of the running EC2 fleet per (Project, Environment), and
the instances that break the tagging policy."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import boto3

HERE = Path(__file__).resolve().parent
REQUIRED_TAGS = ("Project", "Environment", "CostCenter", "Owner")


def main() -> None:
    prices: dict[str, float] = json.loads((HERE / "prices.json").read_text())
    ec2 = boto3.client("ec2")  # endpoint, region and keys from the environment
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    untagged: list[tuple[str, str, str]] = []
    paginator = ec2.get_paginator("describe_instances")
    filters = [{"Name": "instance-state-name", "Values": ["running", "pending"]}]
    for page in paginator.paginate(Filters=filters):
        for reservation in page["Reservations"]:
            for instance in reservation["Instances"]:
                tags = {t["Key"]: t["Value"] for t in instance.get("Tags", [])}
                key = (tags.get("Project", "untagged"), tags.get("Environment", "untagged"))
                groups[key].append(instance["InstanceType"])
                missing = [t for t in REQUIRED_TAGS if t not in tags]
                if missing:
                    untagged.append((instance["InstanceId"], instance["InstanceType"], ";".join(missing)))

    with (HERE / "cost-report.csv").open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["project", "environment", "instances", "hourly_usd"])
        for (project, environment), types in sorted(groups.items()):
            cost = sum(prices[t] for t in types)
            writer.writerow([project, environment, len(types), f"{cost:.4f}"])
    with (HERE / "untagged.csv").open("w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["instance_id", "instance_type", "missing"])
        writer.writerows(sorted(untagged))
    print((HERE / "cost-report.csv").read_text(), end="")
    print((HERE / "untagged.csv").read_text(), end="")


if __name__ == "__main__":
    main()
