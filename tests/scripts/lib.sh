# Helpers for the examples' run-local.sh tests: kube-test-server instances, kubeconfig fields,
# checks, timings. Sourced, not run.
_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MESHPLAN="${MESHPLAN:-${CARGO_TARGET_DIR:-$_repo/target}/debug/meshplan}"
KUBE_TEST_SERVER="${KUBE_TEST_SERVER:-${CARGO_TARGET_DIR:-$_repo/target}/debug/kube-test-server}"
export RUST_BACKTRACE=0
_server_pids=()

# start_server NAME DIR [ARGS...]: a kube-test-server writing DIR/NAME.kubeconfig.
start_server() {
  local name=$1 dir=$2; shift 2
  "$KUBE_TEST_SERVER" --listen 127.0.0.1:0 --kubeconfig-out "$dir/$name.kubeconfig" \
    --cluster-name "$name" --ready-delay 1s "$@" >"$dir/$name.log" 2>&1 &
  _server_pids+=($!)
  for _ in $(seq 50); do grep -q '^listening on' "$dir/$name.log" 2>/dev/null && return 0; sleep 0.1; done
  echo "kube-test-server $name did not start:" >&2; cat "$dir/$name.log" >&2; return 1
}

stop_servers() {
  local pid
  for pid in "${_server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}

# lb_address KUBECONFIG NAMESPACE SERVICE: a LoadBalancer's hostname (AWS) or ip (elsewhere).
lb_address() {
  kubectl --kubeconfig "$1" get svc -n "$2" "$3" -o jsonpath='{.status.loadBalancer.ingress[0].hostname}{.status.loadBalancer.ingress[0].ip}'
}

# check_spire_wiring KUBECONFIG: the cross-object invariants of modules/spire.
check_spire_wiring() { python3 "$_repo/tests/scripts/check-spire-wiring.py" "$@"; }

kc_server() { kubectl --kubeconfig "$1" config view --raw -o jsonpath='{.clusters[0].cluster.server}'; }
kc_token() { kubectl --kubeconfig "$1" config view --raw -o jsonpath='{.users[0].user.token}'; }
kc_ca() { kubectl --kubeconfig "$1" config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d; }

# expect WHAT ACTUAL EXPECTED
expect() {
  if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: got '$2', want '$3'" >&2; exit 1; fi
}

# timed LABEL CMD...: runs CMD, prints its wall time; output goes to LABEL.log (shown on failure).
timed() {
  local label=$1; shift
  local start end rc=0
  start=$(date +%s.%N)
  "$@" >"$label.log" 2>&1 || rc=$?
  end=$(date +%s.%N)
  printf 'time %-8s %6.2fs (exit %d)\n' "$label" "$(echo "$end - $start" | bc)" "$rc"
  if [ "$rc" -ne 0 ]; then tail -40 "$label.log" >&2; exit 1; fi
}

# no_check_warnings LOG: no `check` block warned in LOG (a failed assertion, or a failed read
# of a check's scoped data source).
no_check_warnings() {
  if grep -E 'Check block assertion failed|check "[^"]+":' "$1" >&2; then
    echo "FAIL check warnings in $1" >&2; exit 1
  fi
  echo "ok   no check warnings in $(basename "$1" .log)"
}

# checks_pass NAME...: a plan of the applied configuration judges each named check block
# "pass" (not fail, not unknown) in its JSON form (show -json of a saved plan).
checks_pass() {
  "$MESHPLAN" plan -no-color -out=checks.tfplan >checks-plan.log 2>&1 || { cat checks-plan.log >&2; exit 1; }
  no_check_warnings checks-plan.log
  "$MESHPLAN" show -json checks.tfplan >checks.json
  python3 - "$@" <<'PY'
import json, sys
got = {c["address"]["to_display"]: c["status"] for c in json.load(open("checks.json")).get("checks", [])}
bad = [f"{n}={got.get('check.' + n, 'missing')}" for n in sys.argv[1:] if got.get("check." + n) != "pass"]
if bad:
    print("FAIL checks not passing: " + ", ".join(bad) + f" (all: {got})", file=sys.stderr)
    sys.exit(1)
print(f"ok   checks pass: {' '.join(sys.argv[1:])}")
PY
}

# check_warns NAME LOG: LOG holds check NAME's warning (a failed assertion or scoped read).
check_warns() {
  if grep -qE "Check block assertion failed \(check\.$1\)|check \"$1\":" "$2"; then
    echo "ok   check $1 warns when broken"
  else
    echo "FAIL check $1 did not warn:" >&2; cat "$2" >&2; exit 1
  fi
}
