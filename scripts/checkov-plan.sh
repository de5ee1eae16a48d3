#!/usr/bin/env bash
# Scan a meshplan JSON plan with checkov (PyPI), as Terraform users scan `terraform show -json`.
#
#   scripts/checkov-plan.sh [CONFIG_DIR] [extra checkov args...]
#
# Installs checkov into a throwaway venv under /tmp (never into the repo; not part of CI),
# writes `meshplan plan -json` of CONFIG_DIR (default examples/hello) to a temp file and runs
# `checkov --framework terraform_plan` on it. --skip-download keeps checkov offline (without
# it, checkov tries to reach api0.prismacloud.io and prints a traceback when it cannot).
#
# What to expect (checkov 3.3.30, Nov 2026): checkov parses the file without error. With only
# meshplan's own resource types (local_file, meshplan_data, random_*, tls_*) it has no checks
# to run, so the summary is `passed 0, failed 0, resource_count 0`. Renaming a resource type
# to one checkov knows (MESHPLAN_CHECKOV_DEMO=1 rewrites local_file -> aws_s3_bucket) makes
# it run its S3 checks against planned_values: "Passed checks: 4, Failed checks: 7".
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
config="${1:-$repo/examples/hello}"
shift || true
venv="${CHECKOV_VENV:-/tmp/checkov-venv}"
target="${CARGO_TARGET_DIR:-$repo/target}"

if [ ! -x "$venv/bin/checkov" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q checkov
fi

cargo build -q -p meshplan-cli --manifest-path "$repo/Cargo.toml"
plan="$(mktemp /tmp/meshplan-plan.XXXXXX.json)"
trap 'rm -f "$plan"' EXIT
(cd "$config" && "$target/debug/meshplan" plan -json) > "$plan"
if [ "${MESHPLAN_CHECKOV_DEMO:-0}" = 1 ]; then
  sed -i 's/"local_file"/"aws_s3_bucket"/g; s/local_file\./aws_s3_bucket./g' "$plan"
fi
"$venv/bin/checkov" -f "$plan" --framework terraform_plan --skip-download --compact "$@"
