#!/usr/bin/env bash
# Runs every kube-test-server end-to-end test of the modules; stops at the first failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
"$repo/examples/network-security-baseline/run-local.sh"
"$repo/examples/spire-federation-local/run-local.sh"
"$repo/tests/scripts/nsm-local.sh"
"$repo/tests/scripts/cert-manager-url.sh"
