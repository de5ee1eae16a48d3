//! The pod template and its parts in the Terraform provider's names (`container`, `volume`,
//! probes, security contexts), shared by deployments, daemon sets, stateful sets and jobs,
//! and the label selector shared with network policies.
//!
//! Not declared (left to `kubernetes_manifest`): affinity, topology spread constraints,
//! lifecycle hooks, dns_config, ephemeral containers, downward API volumes, CSI/NFS/cloud
//! volume sources.

use super::fields::*;

pub(crate) fn label_selector() -> Vec<F> {
    vec![map("match_labels"), many("match_expressions", vec![string("key"), string("operator"), string_set("values")])]
}

/// `metadata` inside templates: no name or namespace of its own in Kubernetes' sense.
pub(crate) fn template_metadata() -> F {
    one("metadata", vec![map("labels"), map("annotations"), string("name")])
}

/// `template { metadata {...} spec {...} }`; `restart_policy` defaults as the kind needs
/// (`Always` for long-running workloads, `Never` for jobs).
pub(crate) fn pod_template(restart_policy: &'static str) -> F {
    one("template", vec![template_metadata(), one("spec", pod_spec(restart_policy))]).required()
}

fn pod_spec(restart_policy: &'static str) -> Vec<F> {
    vec![
        number("active_deadline_seconds"),
        boolean("automount_service_account_token"),
        many("container", container()).key("containers"),
        many("init_container", container()).key("initContainers"),
        string("dns_policy").default("ClusterFirst"),
        boolean("enable_service_links"),
        many("host_aliases", vec![strings("hostnames"), string("ip")]),
        boolean("host_ipc").key("hostIPC"),
        boolean("host_network"),
        boolean("host_pid").key("hostPID"),
        string("hostname"),
        many("image_pull_secrets", vec![string("name").required()]),
        string("node_name"),
        map("node_selector"),
        string("priority_class_name"),
        string("restart_policy").default(restart_policy),
        string("runtime_class_name"),
        string("scheduler_name").computed(),
        one(
            "security_context",
            vec![
                int_text("fs_group"),
                string("fs_group_change_policy"),
                int_text("run_as_group"),
                boolean("run_as_non_root"),
                int_text("run_as_user"),
                number_set("supplemental_groups"),
                seccomp_profile(),
            ],
        ),
        string("service_account_name").computed(),
        boolean("share_process_namespace"),
        string("subdomain"),
        number("termination_grace_period_seconds").default(30),
        many(
            "toleration",
            vec![string("effect"), string("key"), string("operator"), int_text("toleration_seconds"), string("value")],
        )
        .key("tolerations"),
        many("volume", volume()).key("volumes"),
    ]
}

fn seccomp_profile() -> F {
    one("seccomp_profile", vec![string("type"), string("localhost_profile")])
}

fn container() -> Vec<F> {
    let key_ref = || vec![string("key"), string("name"), boolean("optional")];
    let source_ref = || vec![string("name").required(), boolean("optional")];
    vec![
        string("name").required(),
        string("image"),
        strings("command"),
        strings("args"),
        many(
            "env",
            vec![
                string("name").required(),
                string("value"),
                one(
                    "value_from",
                    vec![
                        one("config_map_key_ref", key_ref()),
                        one("secret_key_ref", key_ref()),
                        one("field_ref", vec![string("api_version").default("v1"), string("field_path")]),
                        one(
                            "resource_field_ref",
                            vec![string("container_name"), string("divisor"), string("resource").required()],
                        ),
                    ],
                ),
            ],
        ),
        many("env_from", vec![one("config_map_ref", source_ref()), string("prefix"), one("secret_ref", source_ref())]),
        string("image_pull_policy").computed(),
        probe("liveness_probe"),
        probe("readiness_probe"),
        probe("startup_probe"),
        many(
            "port",
            vec![
                number("container_port").required(),
                string("host_ip").key("hostIP"),
                number("host_port"),
                string("name"),
                string("protocol").default("TCP"),
            ],
        )
        .key("ports"),
        one("resources", vec![map("limits"), map("requests")]),
        one(
            "security_context",
            vec![
                boolean("allow_privilege_escalation"),
                one("capabilities", vec![strings("add"), strings("drop")]),
                boolean("privileged"),
                boolean("read_only_root_filesystem"),
                int_text("run_as_group"),
                boolean("run_as_non_root"),
                int_text("run_as_user"),
                seccomp_profile(),
            ],
        ),
        boolean("stdin"),
        boolean("stdin_once"),
        string("termination_message_path").default("/dev/termination-log"),
        string("termination_message_policy").computed(),
        boolean("tty"),
        many(
            "volume_mount",
            vec![
                string("mount_path").required(),
                string("name").required(),
                boolean("read_only").default(false),
                string("sub_path"),
                string("mount_propagation"),
            ],
        )
        .key("volumeMounts"),
        string("working_dir"),
    ]
}

fn probe(name: &'static str) -> F {
    one(
        name,
        vec![
            one("exec", vec![strings("command")]),
            one(
                "http_get",
                vec![
                    string("host"),
                    string("path"),
                    int_or_string("port"),
                    string("scheme").default("HTTP"),
                    many("http_header", vec![string("name"), string("value")]).key("httpHeaders"),
                ],
            ),
            one("tcp_socket", vec![int_or_string("port").required()]),
            one("grpc", vec![number("port").required(), string("service")]),
            number("failure_threshold").default(3),
            number("initial_delay_seconds"),
            number("period_seconds").default(10),
            number("success_threshold").default(1),
            number("timeout_seconds").default(1),
        ],
    )
}

fn key_to_path() -> F {
    many("items", vec![string("key"), octal("mode"), string("path")])
}

fn volume() -> Vec<F> {
    vec![
        string("name").required(),
        one("config_map", vec![octal("default_mode"), key_to_path(), string("name"), boolean("optional")]),
        one("secret", vec![octal("default_mode"), key_to_path(), boolean("optional"), string("secret_name")]),
        one("empty_dir", vec![string("medium"), string("size_limit")]),
        one("host_path", vec![string("path"), string("type")]),
        one("persistent_volume_claim", vec![string("claim_name"), boolean("read_only")]),
        one(
            "projected",
            vec![
                octal("default_mode"),
                many(
                    "sources",
                    vec![
                        one("config_map", vec![key_to_path(), string("name"), boolean("optional")]),
                        one("secret", vec![key_to_path(), string("name"), boolean("optional")]),
                        one(
                            "service_account_token",
                            vec![
                                string("audience"),
                                number("expiration_seconds").default(3600),
                                string("path").required(),
                            ],
                        ),
                    ],
                ),
            ],
        ),
    ]
}

/// A PersistentVolumeClaim's `spec` (its resource and stateful sets' claim templates).
pub(crate) fn pvc_spec() -> Vec<F> {
    vec![
        string_set("access_modes").required(),
        one("resources", vec![map("limits"), map("requests")]).required(),
        one("selector", label_selector()),
        string("storage_class_name").computed(),
        string("volume_mode").computed(),
        string("volume_name").computed(),
    ]
}
