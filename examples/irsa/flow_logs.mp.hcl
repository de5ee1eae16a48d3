# VPC flow logs to CloudWatch Logs, as the seed's Terraform sets them up (its cleanup step
# deletes the log group `<cluster>-vpc-flow-logs-cw-group` by hand; here destroy removes it).
# The VPC Flow Logs service writes with a role of its own, limited to that log group.

variable "flow_logs_retention_days" {
  description = "How long CloudWatch keeps the VPC flow logs."
  type        = number
  default     = 30
}

resource "aws_cloudwatch_log_group" "flow_logs" {
  name              = "${var.cluster_name}-vpc-flow-logs-cw-group"
  retention_in_days = var.flow_logs_retention_days
}

data "aws_iam_policy_document" "flow_logs_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "flow_logs_write" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.flow_logs.arn}:*"]
  }
}

resource "aws_iam_role" "flow_logs" {
  name               = "${var.cluster_name}-vpc-flow-logs"
  assume_role_policy = data.aws_iam_policy_document.flow_logs_trust.json
}

resource "aws_iam_role_policy" "flow_logs" {
  name   = "write-vpc-flow-logs"
  role   = aws_iam_role.flow_logs.id
  policy = data.aws_iam_policy_document.flow_logs_write.json
}

resource "aws_flow_log" "vpc" {
  vpc_id                   = module.vpc.vpc_id
  traffic_type             = "ALL"
  log_destination_type     = "cloud-watch-logs"
  log_destination          = aws_cloudwatch_log_group.flow_logs.arn
  iam_role_arn             = aws_iam_role.flow_logs.arn
  max_aggregation_interval = 60
  tags                     = { Name = "${var.cluster_name}-vpc-flow-logs" }
}

output "flow_log_group_name" {
  value = aws_cloudwatch_log_group.flow_logs.name
}
