# An IAM role for one Kubernetes service account (IRSA, DOMAIN.md §3): a trust policy that
# names the cluster's OIDC provider with BOTH a `:sub` and an `:aud` StringEquals
# condition and the role's policies. The annotated ServiceAccount is ./service-account
# (a separate module: any kubernetes_* resource here, even with count = 0, would make every
# caller configure a kubernetes provider).

locals {
  # Condition keys are the issuer's host path: no scheme, no trailing slash.
  issuer_host_path = trimsuffix(replace(var.oidc_issuer_url, "https://", ""), "/")
}

data "aws_iam_policy_document" "trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.oidc_provider_arn]
    }
    # Without `:sub`, any service account whose token has the audience could assume the role.
    condition {
      test     = "StringEquals"
      variable = "${local.issuer_host_path}:sub"
      values   = ["system:serviceaccount:${var.namespace}:${var.service_account}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer_host_path}:aud"
      values   = [var.audience]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = var.name
  path               = var.path
  assume_role_policy = data.aws_iam_policy_document.trust.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "this" {
  for_each   = var.policy_arns
  role       = aws_iam_role.this.name
  policy_arn = each.value
}

resource "aws_iam_role_policy" "this" {
  for_each = var.inline_policies
  name     = each.key
  role     = aws_iam_role.this.name
  policy   = each.value
}
