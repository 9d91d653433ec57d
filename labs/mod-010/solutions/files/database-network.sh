#!/bin/sh
# Reference solution of mod-010 / database-network: a VPC across two zones, a security group
# that admits PostgreSQL from inside it only, and the database password in Secrets Manager.
# Safe to run again: what exists is found by its name and kept.
set -eu

vpc=$(aws ec2 describe-vpcs --filters Name=tag:Name,Values=mlops --query 'Vpcs[0].VpcId' --output text)
if [ "$vpc" = None ]; then
    vpc=$(aws ec2 create-vpc --cidr-block 10.20.0.0/16 \
        --tag-specifications 'ResourceType=vpc,Tags=[{Key=Name,Value=mlops}]' --query Vpc.VpcId --output text)
fi

for zone_cidr in eu-central-1a:10.20.1.0/24 eu-central-1b:10.20.2.0/24; do
    zone=${zone_cidr%%:*} cidr=${zone_cidr#*:}
    found=$(aws ec2 describe-subnets --filters "Name=vpc-id,Values=$vpc" "Name=cidr-block,Values=$cidr" \
        --query 'length(Subnets)' --output text)
    [ "$found" = 0 ] && aws ec2 create-subnet --vpc-id "$vpc" --cidr-block "$cidr" --availability-zone "$zone" >/dev/null
done

sg=$(aws ec2 describe-security-groups --filters "Name=vpc-id,Values=$vpc" Name=group-name,Values=mlops-db \
    --query 'SecurityGroups[0].GroupId' --output text)
if [ "$sg" = None ]; then
    sg=$(aws ec2 create-security-group --group-name mlops-db --vpc-id "$vpc" \
        --description 'PostgreSQL from inside the VPC only' --query GroupId --output text)
    aws ec2 authorize-security-group-ingress --group-id "$sg" --protocol tcp --port 5432 --cidr 10.20.0.0/16 >/dev/null
fi

# The password goes from the generator straight into the store: never echoed, never in a file.
if ! aws secretsmanager describe-secret --secret-id mlops/db-password >/dev/null 2>&1; then
    aws secretsmanager create-secret --name mlops/db-password --secret-string "$(
        aws secretsmanager get-random-password --password-length 32 --exclude-punctuation \
            --query RandomPassword --output text)" >/dev/null
fi
