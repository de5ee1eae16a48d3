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
