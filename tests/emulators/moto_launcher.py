#!/usr/bin/env python3
"""moto's server on 127.0.0.1, with EKS clusters that point at real (test) Kubernetes API servers.

moto's EKS backend gives every cluster a made-up endpoint and a random string as its CA, so a
client configured from DescribeCluster cannot connect anywhere. This launcher patches moto's
`Cluster` constructor: a cluster whose name is in the mapping gets that endpoint and
base64(CA PEM) as `certificateAuthority.data`, exactly what a client decodes from real EKS.

    moto_launcher.py --port 5000 [--clusters FILE] [--exit-with-stdin]

The mapping is JSON, {"foo": {"endpoint": "https://127.0.0.1:PORT", "ca_pem": "-----BEGIN..."}},
read from FILE (or the MESHPLAN_EKS_CLUSTERS_FILE environment variable) on every cluster
creation, so it may be written after the server started; MESHPLAN_EKS_CLUSTERS may hold the
JSON itself. Clusters not in the mapping keep moto's values.

--exit-with-stdin: exit when stdin reaches EOF, so a harness that dies without cleaning up
(SIGKILL, abort) does not leave moto running: its end of the pipe closes with it.
"""

import argparse
import base64
import hashlib
import json
import os
import sys
import threading


def load_mapping(path):
    text = os.environ.get("MESHPLAN_EKS_CLUSTERS")
    if path:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            pass
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError as e:
        # A half-written file must not break CreateCluster; the cluster keeps moto's values.
        print(f"moto_launcher: ignoring unreadable cluster mapping: {e}", file=sys.stderr)
        return {}


def patch_eks(mapping_path):
    from moto.eks import models

    original_init = models.Cluster.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        # moto gives every cluster of a region the same issuer URL, so a second cluster's IAM
        # OIDC provider fails with EntityAlreadyExists; EKS gives each cluster its own.
        issuer = self.identity["oidc"]["issuer"]
        cluster_id = hashlib.sha1(self.name.encode("utf-8")).hexdigest()[:32].upper()
        self.identity = {"oidc": {"issuer": issuer.rsplit("/", 1)[0] + "/" + cluster_id}}
        target = load_mapping(mapping_path).get(self.name)
        if target:
            self.endpoint = target["endpoint"]
            ca = target["ca_pem"].encode("utf-8")
            self.certificate_authority = {"data": base64.b64encode(ca).decode("ascii")}

        add_cluster_security_group(self)

    def add_cluster_security_group(cluster):
        # EKS creates a cluster security group in the cluster's VPC and gives it to the control
        # plane and to managed nodes without a launch template: rules meant for the nodes go
        # there. moto has none, so a module could open ports on nothing and tests not see it.
        from moto.ec2.models import ec2_backends

        _, _, _, region, account, _ = cluster.arn.split(":", 5)
        ec2 = ec2_backends[account][region]
        subnets = cluster.resources_vpc_config.get("subnetIds") or []
        try:
            vpc_id = ec2.get_subnet(subnets[0]).vpc_id
        except Exception:  # no such subnet: moto's EKS does not check either
            return
        cluster_id = hashlib.sha1(cluster.name.encode("utf-8")).hexdigest()[:10]
        sg = ec2.create_security_group(
            f"eks-cluster-sg-{cluster.name}-{cluster_id}",
            "EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads.",
            vpc_id=vpc_id,
            tags={"aws:eks:cluster-name": cluster.name, f"kubernetes.io/cluster/{cluster.name}": "owned"},
        )
        cluster.resources_vpc_config = dict(cluster.resources_vpc_config, clusterSecurityGroupId=sg.id, vpcId=vpc_id)
        cluster_security_groups[cluster.name] = (ec2, sg.id)

    cluster_security_groups = {}
    original_delete = models.EKSBackend.delete_cluster

    def delete_cluster(self, name):
        cluster = original_delete(self, name)
        ec2, sg_id = cluster_security_groups.pop(name, (None, None))
        if sg_id:
            ec2.delete_security_group(group_id=sg_id)
        return cluster

    original_update = models.EKSBackend.update_cluster_config

    def update_cluster_config(self, name, resources_vpc_config, *args, **kwargs):
        # EKS changes only the fields given (the cluster SG and VPC stay); moto would replace
        # the whole vpc config.
        old = getattr(self.clusters.get(name), "resources_vpc_config", None) or {}
        if resources_vpc_config:
            resources_vpc_config = dict(old, **resources_vpc_config)
        return original_update(self, name, resources_vpc_config, *args, **kwargs)

    models.Cluster.__init__ = init
    models.EKSBackend.delete_cluster = delete_cluster
    models.EKSBackend.update_cluster_config = update_cluster_config


def exit_when_stdin_closes():
    def watch():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            os._exit(0)

    threading.Thread(target=watch, name="stdin-watch", daemon=True).start()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--clusters", default=os.environ.get("MESHPLAN_EKS_CLUSTERS_FILE"))
    parser.add_argument("--exit-with-stdin", action="store_true")
    args = parser.parse_args()
    # Emulators are for this machine only: never listen on another interface.
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--host must be a loopback address")
    # IAM's AWS-managed policies (AmazonEKSClusterPolicy, ...) exist only with this set, and
    # moto reads it when its IAM backend is imported, so set it before importing moto.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    if args.exit_with_stdin:
        exit_when_stdin_closes()
    patch_eks(args.clusters)
    from moto import server

    server.main(["-H", args.host, "-p", str(args.port)])


if __name__ == "__main__":
    main()
