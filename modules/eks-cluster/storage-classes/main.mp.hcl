# The seed's storage setup, through the caller's `kubernetes` provider: StorageClass gp3
# (EBS CSI, encrypted, WaitForFirstConsumer) as the default, and EKS's gp2 made non-default.
# Call it after the aws-ebs-csi-driver addon (depends_on = [module.eks]).

variable "gp2_exists" {
  description = "EKS's own gp2 class exists (real EKS) and is made non-default; false where there is none (a kube test server), as examples/nsm-on-eks decides with its on_aws."
  type        = bool
  default     = true
}

variable "encrypted" {
  type    = bool
  default = true
}

resource "kubernetes_manifest" "gp3" {
  manifest = {
    apiVersion = "storage.k8s.io/v1"
    kind       = "StorageClass"
    metadata = {
      name        = "gp3"
      annotations = { "storageclass.kubernetes.io/is-default-class" = "true" }
    }
    provisioner          = "ebs.csi.aws.com"
    reclaimPolicy        = "Delete"
    allowVolumeExpansion = true
    volumeBindingMode    = "WaitForFirstConsumer"
    parameters = {
      type      = "gp3"
      encrypted = tostring(var.encrypted)
      fsType    = "ext4"
    }
  }
}

# EKS creates gp2 as the default class; only its annotation is taken over (and given back
# on destroy).
resource "kubernetes_annotations" "gp2_not_default" {
  count       = var.gp2_exists ? 1 : 0
  api_version = "storage.k8s.io/v1"
  kind        = "StorageClass"
  metadata {
    name = "gp2"
  }
  annotations = { "storageclass.kubernetes.io/is-default-class" = "false" }
  force       = true
}

output "default_storage_class" {
  value = kubernetes_manifest.gp3.manifest.metadata.name
}
