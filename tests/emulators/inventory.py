#!/usr/bin/env python3
"""Every object a moto server holds that a configuration could have made, as JSON.

    inventory.py --endpoint http://127.0.0.1:PORT [--region us-east-1]

Prints {"objects": [{"kind", "id", "key", "tags", ...fields}]}, one entry per object:
non-default VPCs, their subnets, internet gateways, Elastic IPs, NAT gateways (not deleted),
route tables (not main), routes (not local), route table associations (not main), security
groups (not default) and their rules, VPC peering connections (not deleted/rejected/failed),
IAM roles (not service-linked), their inline policies and attachments, customer-managed IAM
policies, OIDC providers, S3 buckets and EKS clusters. Objects of the default VPC are left
out, as moto makes them itself.

`key` is the object's identity as a configuration names it (its Name tag, else what AWS
keeps unique, else its id): two objects with one key are one resource made twice. The Rust
side (meshplan_emulators::inventory) compares this with meshplan's state.

An independent client: boto3 straight to moto (never through a fault proxy), dummy
credentials, no retries hiding errors.
"""

import argparse
import json
import sys

import boto3
from botocore.config import Config


def tags_of(obj, field="Tags"):
    return {t["Key"]: t["Value"] for t in obj.get(field) or []}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args()

    def client(service):
        return boto3.client(
            service,
            endpoint_url=args.endpoint,
            region_name=args.region,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 2, "mode": "standard"}, s3={"addressing_style": "path"}),
        )

    ec2, iam = client("ec2"), client("iam")
    objects = []

    def add(kind, id, key, tags=None, **fields):
        objects.append({"kind": kind, "id": id, "key": key, "tags": tags or {}, **fields})

    def named(kind, tags, fallback):
        name = tags.get("Name")
        return f"{kind}:{name}" if name else f"{kind}:{fallback}"

    vpcs = [v for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]
    default_vpcs = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")}
    vpc_name = {}
    for v in vpcs:
        t = tags_of(v)
        vpc_name[v["VpcId"]] = t.get("Name") or v["CidrBlock"]
        add("vpc", v["VpcId"], named("vpc", t, v["CidrBlock"]), t, cidr=v["CidrBlock"])
    ours = set(vpc_name)

    for s in ec2.describe_subnets()["Subnets"]:
        if s.get("DefaultForAz") or s["VpcId"] in default_vpcs:
            continue
        t = tags_of(s)
        add("subnet", s["SubnetId"], named("subnet", t, f"{vpc_name.get(s['VpcId'], s['VpcId'])}/{s['CidrBlock']}"), t, vpc_id=s["VpcId"], cidr=s["CidrBlock"])

    for g in ec2.describe_internet_gateways()["InternetGateways"]:
        attached = [a["VpcId"] for a in g.get("Attachments", [])]
        if any(v in default_vpcs for v in attached):
            continue
        t = tags_of(g)
        add("internet_gateway", g["InternetGatewayId"], named("internet_gateway", t, g["InternetGatewayId"]), t, vpc_ids=attached)

    for a in ec2.describe_addresses()["Addresses"]:
        t = tags_of(a)
        add("eip", a["AllocationId"], named("eip", t, a["AllocationId"]), t, public_ip=a.get("PublicIp"))

    for n in ec2.describe_nat_gateways()["NatGateways"]:
        if n["State"] == "deleted":
            continue
        t = tags_of(n)
        add("nat_gateway", n["NatGatewayId"], named("nat_gateway", t, n["NatGatewayId"]), t, state=n["State"], subnet_id=n.get("SubnetId"))

    tables = [rt for rt in ec2.describe_route_tables()["RouteTables"] if rt["VpcId"] not in default_vpcs]
    for rt in tables:
        t = tags_of(rt)
        table_name = t.get("Name") or rt["RouteTableId"]
        main = any(a.get("Main") for a in rt.get("Associations", []))
        if not main:
            add("route_table", rt["RouteTableId"], named("route_table", t, rt["RouteTableId"]), t, vpc_id=rt["VpcId"])
        for r in rt.get("Routes", []):
            if r.get("GatewayId") == "local" or r.get("Origin") == "CreateRouteTable":
                continue
            dest = r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") or r.get("DestinationPrefixListId")
            target = next((r[k] for k in ("GatewayId", "NatGatewayId", "VpcPeeringConnectionId", "TransitGatewayId", "NetworkInterfaceId", "InstanceId") if r.get(k)), None)
            add("route", f"{rt['RouteTableId']}_{dest}", f"route:{table_name}:{dest}", {}, route_table_id=rt["RouteTableId"], destination=dest, target=target)
        for a in rt.get("Associations", []):
            if a.get("Main"):
                continue
            state = (a.get("AssociationState") or {}).get("State", "associated")
            if state in ("disassociated", "disassociating"):
                continue
            target = a.get("SubnetId") or a.get("GatewayId")
            add("route_table_association", a["RouteTableAssociationId"], f"route_table_association:{target}", {}, route_table_id=rt["RouteTableId"], subnet_id=a.get("SubnetId"))

    groups = [g for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"] != "default" and g.get("VpcId") not in default_vpcs]
    group_name = {}
    for g in groups:
        t = tags_of(g)
        group_name[g["GroupId"]] = g["GroupName"]
        add("security_group", g["GroupId"], f"security_group:{t.get('Name') or g['GroupName']}", t, name=g["GroupName"], vpc_id=g.get("VpcId"))
    if group_name:
        for r in ec2.describe_security_group_rules()["SecurityGroupRules"]:
            gid = r["GroupId"]
            if gid not in group_name:
                continue
            peer = r.get("CidrIpv4") or r.get("CidrIpv6") or r.get("PrefixListId") or (r.get("ReferencedGroupInfo") or {}).get("GroupId")
            proto = r.get("IpProtocol")
            direction = "egress" if r.get("IsEgress") else "ingress"
            add(
                "security_group_rule",
                r["SecurityGroupRuleId"],
                f"security_group_rule:{group_name[gid]}:{direction}:{proto}:{r.get('FromPort')}:{r.get('ToPort')}:{peer}",
                tags_of(r),
                group_id=gid,
                egress=bool(r.get("IsEgress")),
                protocol=proto,
                from_port=r.get("FromPort"),
                to_port=r.get("ToPort"),
                cidr_ipv4=r.get("CidrIpv4"),
                cidr_ipv6=r.get("CidrIpv6"),
                prefix_list_id=r.get("PrefixListId"),
                referenced_group_id=(r.get("ReferencedGroupInfo") or {}).get("GroupId"),
            )

    for p in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]:
        status = p["Status"]["Code"]
        if status in ("deleted", "deleting", "rejected", "failed", "expired"):
            continue
        t = tags_of(p)
        req, acc = p["RequesterVpcInfo"]["VpcId"], p["AccepterVpcInfo"]["VpcId"]
        add("vpc_peering_connection", p["VpcPeeringConnectionId"], named("vpc_peering_connection", t, f"{req}-{acc}"), t, status=status, vpc_id=req, peer_vpc_id=acc)

    for page in iam.get_paginator("list_roles").paginate():
        for r in page["Roles"]:
            if r["Path"].startswith("/aws-service-role/"):
                continue
            name = r["RoleName"]
            t = {x["Key"]: x["Value"] for x in iam.list_role_tags(RoleName=name).get("Tags", [])}
            add("iam_role", name, f"iam_role:{name}", t, arn=r["Arn"], path=r["Path"])
            for pol in iam.list_role_policies(RoleName=name)["PolicyNames"]:
                add("iam_role_policy", f"{name}:{pol}", f"iam_role_policy:{name}:{pol}", {}, role=name, name=pol)
            for att in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
                arn = att["PolicyArn"]
                add("iam_role_policy_attachment", f"{name}/{arn}", f"iam_role_policy_attachment:{name}/{arn}", {}, role=name, policy_arn=arn)
    for page in iam.get_paginator("list_policies").paginate(Scope="Local"):
        for p in page["Policies"]:
            add("iam_policy", p["Arn"], f"iam_policy:{p['Arn']}", {}, name=p["PolicyName"])
    for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        add("iam_openid_connect_provider", p["Arn"], f"iam_openid_connect_provider:{p['Arn']}", {})
    for b in client("s3").list_buckets().get("Buckets", []):
        add("s3_bucket", b["Name"], f"s3_bucket:{b['Name']}", {})
    for name in client("eks").list_clusters()["clusters"]:
        add("eks_cluster", name, f"eks_cluster:{name}", {})

    json.dump({"objects": objects}, sys.stdout, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
