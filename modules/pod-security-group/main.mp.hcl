# A security group for pods (seed eks-network-security.md, "Security groups"): the group a
# SecurityGroupPolicy gives a set of pods, with the rules the seed says it MUST have:
#  - DNS: port 53 (UDP and TCP) out to the cluster security group, where CoreDNS runs, and the
#    cluster security group accepting 53 from this group;
#  - probes: kubelet (on the node, i.e. from the cluster security group) in on every port the
#    pods' liveness/readiness probes use.
# Plus the pods' own service ports from the cluster security group (pods without a group of
# their own reach them from their node's ENI) and any egress the caller lists.

resource "aws_security_group" "this" {
  name        = var.name
  description = var.description
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_egress_rule" "dns" {
  for_each                     = toset(["udp", "tcp"])
  security_group_id            = aws_security_group.this.id
  referenced_security_group_id = var.cluster_security_group_id
  ip_protocol                  = each.key
  from_port                    = 53
  to_port                      = 53
  description                  = var.describe_group_rules ? "DNS (${each.key}) to CoreDNS in the cluster security group" : null
}

resource "aws_vpc_security_group_ingress_rule" "cluster_dns" {
  for_each                     = toset(["udp", "tcp"])
  security_group_id            = var.cluster_security_group_id
  referenced_security_group_id = aws_security_group.this.id
  ip_protocol                  = each.key
  from_port                    = 53
  to_port                      = 53
  description                  = var.describe_group_rules ? "DNS (${each.key}) from pods in ${var.name}" : null
}

resource "aws_vpc_security_group_ingress_rule" "from_cluster" {
  for_each                     = toset([for p in distinct(concat(var.probe_ports, var.service_ports)) : tostring(p)])
  security_group_id            = aws_security_group.this.id
  referenced_security_group_id = var.cluster_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.key)
  to_port                      = tonumber(each.key)
  description                  = !var.describe_group_rules ? null : contains(var.probe_ports, tonumber(each.key)) ? "kubelet probes on ${each.key}" : "port ${each.key} from the nodes' pods"
}

resource "aws_vpc_security_group_egress_rule" "extra" {
  for_each          = toset(var.egress_cidrs)
  security_group_id = aws_security_group.this.id
  cidr_ipv4         = each.key
  ip_protocol       = "-1"
  description       = "all to ${each.key}"
}
