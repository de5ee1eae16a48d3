#!/usr/bin/env python3
"""Cross-object invariants of an applied modules/spire, read back with kubectl:

- the server's API socket (server.conf) and the path spire-controller-manager reads are the
  same file of the same volume; its config file is mounted where --config points;
- the ValidatingWebhookConfiguration controller-manager patches exists, for both CRDs, and its
  Service selects the server pod and reaches the controller-manager's webhook port;
- the agent's socket (agent.conf) is on a hostPath; the SPIFFE CSI driver shares that
  directory; every hostPath consumer (SPIFFE_ENDPOINT_SOCKET) dials that host file; every
  Istio spire template mounts the CSI volume where Istio reads <dir>/socket, and so does every
  enabled IstioOperator gateway's overlay (with a spiffe.io/federatesWith annotation).

  check-spire-wiring.py KUBECONFIG [SPIRE_NAMESPACE]
Prints "ok ..." lines; exits 1 after printing "FAIL ..." for each broken invariant.
"""
import json, posixpath, re, subprocess, sys

import yaml

KUBECONFIG = sys.argv[1]
NS = sys.argv[2] if len(sys.argv) > 2 else "spire"
ISTIO_SOCKET = "/run/secrets/workload-spiffe-uds/socket"  # fixed in istio-proxy
failures = []


def get(*args):
    out = subprocess.run(["kubectl", "--kubeconfig", KUBECONFIG, "get", "-o", "json", *args], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return json.loads(out.stdout)


def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else f": {detail}"))
    if not ok:
        failures.append(what)


def container(pod_spec, name):
    return next(c for c in pod_spec["containers"] if c["name"] == name)


def resolve(pod_spec, c, path):
    """(volume, path inside the volume, mount) a container path lands on, by longest mount prefix."""
    best = None
    for m in c.get("volumeMounts", []):
        mp = m["mountPath"].rstrip("/") or "/"
        if path == mp or path.startswith(mp + "/"):
            if best is None or len(mp) > len(best["mountPath"].rstrip("/")):
                best = m
    if best is None:
        return None, None, None
    volume = next(v for v in pod_spec["volumes"] if v["name"] == best["name"])
    rel = posixpath.relpath(path, best["mountPath"]) if path != best["mountPath"].rstrip("/") else "."
    if best.get("subPath"):
        rel = posixpath.normpath(posixpath.join(best["subPath"], rel))
    return volume, rel, best


def conf_value(text, key):
    m = re.search(rf'^\s*{key}\s*=\s*"([^"]*)"', text, re.M)
    return m.group(1) if m else None


# --- server ↔ controller-manager ---------------------------------------------------------------
sts = get("statefulset", "-n", NS, "spire-server")
server_pod = sts["spec"]["template"]["spec"]
server_conf = get("configmap", "-n", NS, "spire-server")["data"]["server.conf"]
server_sock = conf_value(server_conf, "socket_path")
sv, srel, smount = resolve(server_pod, container(server_pod, "spire-server"), server_sock)
check("server socket is on a volume", sv is not None, server_sock)
check("server can write its socket", smount is not None and not smount.get("readOnly", False), smount)

cm = container(server_pod, "spire-controller-manager")
cfg_arg = next(a.split("=", 1)[1] for a in cm["args"] if a.startswith("--config="))
cfg_path = posixpath.join(cm.get("workingDir", "/"), cfg_arg)
cv, crel, _ = resolve(server_pod, cm, cfg_path)
cfg_cm = (cv or {}).get("configMap", {}).get("name")
check("controller-manager config mounted at --config", cfg_cm is not None, cfg_path)
cfg = yaml.safe_load(get("configmap", "-n", NS, cfg_cm)["data"][crel]) if cfg_cm else {}
cm_sock = cfg.get("spireServerSocketPath", "/spire-server/api.sock")
mv, mrel, _ = resolve(server_pod, cm, cm_sock)
check("controller-manager reads the server's socket file",
      sv is not None and mv is not None and mv["name"] == sv["name"] and mrel == srel,
      f"server writes {server_sock} (volume {sv and sv['name']}:{srel}), controller-manager reads {cm_sock} (volume {mv and mv['name']}:{mrel})")

webhook_name = cfg.get("validatingWebhookConfigurationName", "spire-controller-manager-webhook")
vwc = get("validatingwebhookconfiguration", webhook_name)
check(f"ValidatingWebhookConfiguration {webhook_name} exists", vwc is not None)
labels = sts["spec"]["template"]["metadata"].get("labels", {})
cm_ports = {p.get("name"): p["containerPort"] for p in cm.get("ports", [])}
covered = set()
for wh in (vwc or {}).get("webhooks", []):
    for r in wh.get("rules", []):
        covered.update(r.get("resources", []))
    ref = wh["clientConfig"].get("service", {})
    svc = get("service", "-n", ref.get("namespace", ""), ref.get("name", ""))
    check(f"webhook {wh['name']} Service exists", svc is not None, ref)
    if svc is None:
        continue
    sel = svc["spec"].get("selector", {})
    check(f"webhook {wh['name']} Service selects the server pod", sel and all(labels.get(k) == v for k, v in sel.items()), sel)
    port = next((p for p in svc["spec"]["ports"] if p["port"] == ref.get("port", 443)), None)
    target = port and port.get("targetPort", port["port"])
    target = cm_ports.get(target) if isinstance(target, str) else target
    check(f"webhook {wh['name']} reaches controller-manager's 9443", target == 9443 and 9443 in cm_ports.values(), port)
for res in ["clusterspiffeids", "clusterfederatedtrustdomains"]:
    check(f"webhook validates {res}", res in covered, sorted(covered))

# --- agent ↔ consumers -------------------------------------------------------------------------
ds = get("daemonset", "-n", NS, "spire-agent")
agent_pod = ds["spec"]["template"]["spec"]
agent_sock = conf_value(get("configmap", "-n", NS, "spire-agent")["data"]["agent.conf"], "socket_path")
av, arel, _ = resolve(agent_pod, container(agent_pod, "spire-agent"), agent_sock)
host_dir = (av or {}).get("hostPath", {}).get("path")
check("agent socket is on a hostPath", host_dir is not None, agent_sock)
host_sock = posixpath.normpath(posixpath.join(host_dir or "", arel or ""))
sock_dir_rel, sock_name = posixpath.split(arel or "")

csi = container(agent_pod, "spiffe-csi-driver")
csi_dir = csi["args"][csi["args"].index("-workload-api-socket-dir") + 1]
csi_plugin = csi["args"][csi["args"].index("-plugin-name") + 1]
dv, drel, _ = resolve(agent_pod, csi, csi_dir)
check("CSI driver shares the agent's socket directory",
      dv is not None and av is not None and dv["name"] == av["name"] and posixpath.normpath(drel) == posixpath.normpath(sock_dir_rel or "."),
      f"CSI driver dir {csi_dir} → {dv and dv['name']}:{drel}, agent socket {agent_sock}")

consumers = 0
for kind in ["deployments", "daemonsets", "statefulsets"]:
    for obj in (get(kind, "-A") or {"items": []})["items"]:
        pod = obj["spec"]["template"]["spec"]
        for c in pod["containers"] + pod.get("initContainers", []):
            for e in c.get("env", []):
                if e.get("name") != "SPIFFE_ENDPOINT_SOCKET":
                    continue
                consumers += 1
                path = e["value"].removeprefix("unix://")
                v, rel, _ = resolve(pod, c, path)
                got = posixpath.normpath(posixpath.join(v["hostPath"]["path"], rel)) if v and "hostPath" in v else f"{path} (not on a hostPath)"
                where = f"{obj['metadata']['namespace']}/{obj['metadata']['name']}/{c['name']}"
                check(f"{where} dials the agent socket", got == host_sock, f"{got} != agent's {host_sock}")
                if v and v.get("hostPath", {}).get("type") == "Directory":
                    # kubelet refuses a Directory mount that is missing: the agent must create it.
                    check(f"{where}: the agent creates the directory it mounts", av.get("hostPath", {}).get("type") == "DirectoryOrCreate", av)

for op in (get("istiooperators", "-A") or {"items": []})["items"]:
    # Gateways are not injected: each enabled one mounts the socket through a k8s overlay on
    # its own Deployment and names the trust domains it federates with.
    for gw in op["spec"].get("components", {}).get("ingressGateways", []) or []:
        if not gw.get("enabled"):
            continue
        consumers += 1
        where = f"{op['metadata']['name']}: gateway {gw['name']}"
        k8s = gw.get("k8s", {})
        patches = [p for o in k8s.get("overlays", []) if o.get("kind") == "Deployment" and o.get("name") == gw["name"] for p in o.get("patches", [])]
        vol = next((p["value"] for p in patches if p["path"].startswith("spec.template.spec.volumes.") and "csi" in p.get("value", {})), None)
        check(f"{where}: its overlay adds the agent's CSI volume to its own Deployment", vol is not None and vol["csi"]["driver"] == csi_plugin, patches)
        mount = next((p["value"] for p in patches if ".containers.[name:istio-proxy].volumeMounts." in p["path"] and vol and p["value"].get("name") == vol["name"]), None)
        seen = mount and posixpath.join(mount["mountPath"], sock_name)
        check(f"{where}: istio-proxy finds the agent socket at {ISTIO_SOCKET}", seen == ISTIO_SOCKET, f"the overlay puts it at {seen}")
        fed = k8s.get("podAnnotations", {}).get("spiffe.io/federatesWith", "")
        check(f"{where}: pods carry spiffe.io/federatesWith", bool(fed.strip()), k8s.get("podAnnotations"))

    tmpl = op["spec"].get("values", {}).get("sidecarInjectorWebhook", {}).get("templates", {}).get("spire")
    if not tmpl:
        continue
    consumers += 1
    spec = yaml.safe_load(tmpl)["spec"]
    vol = next((v for v in spec.get("volumes", []) if "csi" in v), None)
    check(f"{op['metadata']['name']}: spire template uses the agent's CSI driver", vol is not None and vol["csi"]["driver"] == csi_plugin, vol)
    proxy = container(spec, "istio-proxy")
    mount = next((m for m in proxy.get("volumeMounts", []) if vol and m["name"] == vol["name"]), None)
    seen = mount and posixpath.join(mount["mountPath"], sock_name)
    check(f"{op['metadata']['name']}: istio-proxy finds the agent socket at {ISTIO_SOCKET}", seen == ISTIO_SOCKET, f"the CSI volume puts it at {seen}")

print(f"     ({consumers} consumers of the agent socket checked)")
if failures:
    sys.exit(1)
