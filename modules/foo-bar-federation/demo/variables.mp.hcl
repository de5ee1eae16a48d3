variable "foo" {
  description = "The first cluster: module.<foo-bar-federation>.foo (trust_domain is read)."
  type        = object({ trust_domain = string })
}

variable "bar" {
  description = "The second cluster: module.<foo-bar-federation>.bar."
  type        = object({ trust_domain = string })
}

variable "enabled" {
  description = "Create the demo workloads (the root's demo_apps)."
  type        = bool
  default     = true
}

variable "helloworld_image" {
  description = "Image of helloworld-<version>; %s is the version (v1 on foo, v2 on bar)."
  type        = string
  default     = "docker.io/istio/examples-helloworld-%s:1.0"
}

variable "sleep_image" {
  type    = string
  default = "curlimages/curl:8.5.0"
}

variable "istio_ready" {
  description = "Per side (foo, bar), a value known once its Istio control plane is HEALTHY: ./mesh's istio_ready."
  type        = map(string)
  default     = {}
}

variable "north_south" {
  description = "On bar, the seed's helloworld-gateway.yaml: Gateway helloworld-gateway on istio-ingressgateway (port 80) and VirtualService helloworld routing /hello to helloworld:5000."
  type        = bool
  default     = true
}

variable "verify_job" {
  description = "Run the seed's verification as a Job on foo (cross-cluster curl to helloworld v1 and v2, bar's bundle endpoint) and wait for it to complete."
  type        = bool
  default     = true
}

variable "verify_attempts" {
  description = "How many times the Job curls helloworld (2 s apart) before it gives up."
  type        = number
  default     = 90
}

variable "bar_bundle_endpoint_url" {
  description = "bar's SPIRE bundle endpoint (https://<lb>:8443), fetched by the Job from foo; \"\" to leave it out."
  type        = string
  default     = ""
}
