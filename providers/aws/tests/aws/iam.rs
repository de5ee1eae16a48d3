//! IAM resources and the policy document data source against moto.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::Value;

fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|i| Value::from(*i)).collect())
}

/// A trust policy for `service`, rendered by aws_iam_policy_document.
async fn trust_policy(h: &Harness, service: &str) -> String {
    let doc = h
        .data(
            "aws_iam_policy_document",
            &obj([(
                "statement",
                Value::List(vec![obj([
                    ("actions", list(&["sts:AssumeRole"])),
                    (
                        "principals",
                        Value::List(vec![obj([("type", Value::from("Service")), ("identifiers", list(&[service]))])]),
                    ),
                ])]),
            )]),
        )
        .await;
    s(&doc, "json")
}

#[tokio::test]
async fn role_lifecycle_with_semantic_policy_compare() {
    let h = Harness::new().await;
    let trust = trust_policy(&h, "eks.amazonaws.com").await;
    let cfg = |trust: &str, description: &str| {
        obj([
            ("name", Value::from("EKS-Cluster-Role")),
            ("assume_role_policy", Value::from(trust)),
            ("description", Value::from(description)),
            ("tags", tags([("team", "mesh")])),
        ])
    };
    let role = h.create("aws_iam_role", &cfg(&trust, "cluster")).await;
    assert_eq!(s(&role, "id"), "EKS-Cluster-Role");
    assert!(s(&role, "arn").ends_with(":role/EKS-Cluster-Role"));
    assert_eq!(s(&role, "assume_role_policy"), trust, "the configured text is kept");
    h.assert_no_changes("aws_iam_role", &role, &cfg(&trust, "cluster")).await;

    // The same policy with other key order and whitespace: no change.
    let reordered = r#"{"Statement":[{"Principal":{"Service":["eks.amazonaws.com"]},"Action":"sts:AssumeRole","Effect":"Allow"}],"Version":"2012-10-17"}"#;
    h.assert_no_changes("aws_iam_role", &role, &cfg(reordered, "cluster")).await;

    let ec2_trust = trust_policy(&h, "ec2.amazonaws.com").await;
    let role2 = h.update("aws_iam_role", &role, &cfg(&ec2_trust, "nodes")).await;
    assert!(s(&role2, "assume_role_policy").contains("ec2.amazonaws.com"));
    assert_eq!(s(&role2, "description"), "nodes");
    h.assert_no_changes("aws_iam_role", &role2, &cfg(&ec2_trust, "nodes")).await;
    let mut renamed = cfg(&ec2_trust, "nodes");
    renamed.set("name", Value::from("Other"));
    h.assert_replaces("aws_iam_role", &role2, &renamed, "name").await;
    let imported = h.import("aws_iam_role", "EKS-Cluster-Role").await;
    assert_eq!(imported.get("tags"), &tags([("team", "mesh")]));
    assert!(crate::support::s(&imported, "assume_role_policy").contains("ec2.amazonaws.com"));
    // GetRole, and the inline and attached policy lists (inline_policy / managed_policy_arns).
    assert_eq!(h.refresh_calls("aws_iam_role", &role2).await.values().sum::<u64>(), 3);

    // Inline policy.
    let inline = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let rp_cfg = |p: &str| {
        obj([("name", Value::from("read")), ("role", Value::from("EKS-Cluster-Role")), ("policy", Value::from(p))])
    };
    let rp = h.create("aws_iam_role_policy", &rp_cfg(inline)).await;
    assert_eq!(s(&rp, "id"), "EKS-Cluster-Role:read");
    h.assert_no_changes("aws_iam_role_policy", &rp, &rp_cfg(&inline.replace("\"s3:GetObject\"", "[\"s3:GetObject\"]")))
        .await;
    let rp = h.update("aws_iam_role_policy", &rp, &rp_cfg(&inline.replace("GetObject", "PutObject"))).await;
    assert!(s(&rp, "policy").contains("PutObject"));
    assert!(s(&h.import("aws_iam_role_policy", "EKS-Cluster-Role:read").await, "policy").contains("PutObject"));

    // Managed policy attachment (moto loads AWS's managed policies).
    let arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy";
    let att_cfg = obj([("role", Value::from("EKS-Cluster-Role")), ("policy_arn", Value::from(arn))]);
    let att = h.create("aws_iam_role_policy_attachment", &att_cfg).await;
    h.assert_no_changes("aws_iam_role_policy_attachment", &att, &att_cfg).await;
    let mut other = att_cfg.clone();
    other.set("policy_arn", Value::from("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"));
    h.assert_replaces("aws_iam_role_policy_attachment", &att, &other, "policy_arn").await;
    let imported = h.import("aws_iam_role_policy_attachment", &format!("EKS-Cluster-Role/{arn}")).await;
    assert_eq!(imported.get("id"), att.get("id"));
    assert_eq!(h.refresh_calls("aws_iam_role_policy_attachment", &att).await.values().sum::<u64>(), 1);

    h.delete_and_confirm_gone("aws_iam_role_policy_attachment", &att).await;
    h.delete_and_confirm_gone("aws_iam_role_policy", &rp).await;
    // Out-of-band delete of the role: refresh says gone.
    h.clients().iam.delete_role().role_name("EKS-Cluster-Role").send().await.unwrap();
    assert!(h.read("aws_iam_role", &role2).await.is_none());
}

#[tokio::test]
async fn role_delete_detaches_policies_when_forced() {
    let h = Harness::new().await;
    let trust = trust_policy(&h, "ec2.amazonaws.com").await;
    let role = h
        .create(
            "aws_iam_role",
            &obj([
                ("name", Value::from("nodes")),
                ("assume_role_policy", Value::from(trust)),
                ("force_detach_policies", Value::from(true)),
            ]),
        )
        .await;
    let arn = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy";
    h.create(
        "aws_iam_role_policy_attachment",
        &obj([("role", Value::from("nodes")), ("policy_arn", Value::from(arn))]),
    )
    .await;
    h.delete_and_confirm_gone("aws_iam_role", &role).await;
}

#[tokio::test]
async fn managed_policy_lifecycle() {
    let h = Harness::new().await;
    let doc = |action: &str| {
        format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#)
    };
    let cfg = |action: &str, team: &str| {
        obj([("name", Value::from("ebs-csi")), ("policy", Value::from(doc(action))), ("tags", tags([("team", team)]))])
    };
    let p = h.create("aws_iam_policy", &cfg("ec2:CreateVolume", "a")).await;
    let arn = s(&p, "arn");
    assert!(arn.ends_with(":policy/ebs-csi"));
    h.assert_no_changes("aws_iam_policy", &p, &cfg("ec2:CreateVolume", "a")).await;
    let mut p2 = p.clone();
    for (i, action) in
        ["ec2:AttachVolume", "ec2:DetachVolume", "ec2:DeleteVolume", "ec2:CreateSnapshot", "ec2:DeleteSnapshot"]
            .iter()
            .enumerate()
    {
        // More versions than IAM keeps: the oldest are pruned.
        p2 = h.update("aws_iam_policy", &p2, &cfg(action, &format!("t{i}"))).await;
    }
    assert!(s(&p2, "policy").contains("ec2:DeleteSnapshot"));
    h.assert_no_changes("aws_iam_policy", &p2, &cfg("ec2:DeleteSnapshot", "t4")).await;
    let mut renamed = cfg("ec2:DeleteSnapshot", "t4");
    renamed.set("name", Value::from("x"));
    h.assert_replaces("aws_iam_policy", &p2, &renamed, "name").await;
    let imported = h.import("aws_iam_policy", &arn).await;
    assert!(s(&imported, "policy").contains("ec2:DeleteSnapshot"));
    assert_eq!(h.refresh_calls("aws_iam_policy", &p2).await.values().sum::<u64>(), 2);
    h.delete_and_confirm_gone("aws_iam_policy", &p2).await;
}

#[tokio::test]
async fn oidc_provider_lifecycle() {
    let h = Harness::new().await;
    let url = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    let thumb = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";
    let cfg = |clients: &[&str], thumbs: &[&str]| {
        obj([
            ("url", Value::from(url)),
            ("client_id_list", list(clients)),
            ("thumbprint_list", list(thumbs)),
            ("tags", tags([("k", "v")])),
        ])
    };
    let p = h.create("aws_iam_openid_connect_provider", &cfg(&["sts.amazonaws.com"], &[thumb])).await;
    let arn = s(&p, "arn");
    assert!(arn.ends_with(":oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"));
    assert_eq!(s(&p, "url"), url);
    h.assert_no_changes("aws_iam_openid_connect_provider", &p, &cfg(&["sts.amazonaws.com"], &[thumb])).await;
    let other_thumb = "0000000000000000000000000000000000000000";
    // moto answers AddClientIDToOpenIDConnectProvider with a 500, so client IDs stay put here.
    let p2 = h.update("aws_iam_openid_connect_provider", &p, &cfg(&["sts.amazonaws.com"], &[other_thumb])).await;
    assert_eq!(p2.get("thumbprint_list"), &list(&[other_thumb]));
    let mut moved = cfg(&["sts.amazonaws.com"], &[thumb]);
    moved.set("url", Value::from("https://example.com"));
    h.assert_replaces("aws_iam_openid_connect_provider", &p2, &moved, "url").await;
    let imported = h.import("aws_iam_openid_connect_provider", &arn).await;
    assert_eq!(imported.get("url"), &Value::from(url));
    let data = h.data("aws_iam_openid_connect_provider", &obj([("url", Value::from(url))])).await;
    assert_eq!(data.get("arn"), &Value::from(arn.as_str()));
    assert_eq!(h.refresh_calls("aws_iam_openid_connect_provider", &p2).await.values().sum::<u64>(), 1);
    h.delete_and_confirm_gone("aws_iam_openid_connect_provider", &p2).await;
}

/// `name_prefix` (the community modules' `role_name_prefix`, `name_prefix` on policies): the
/// name is the prefix and 26 characters from the create's token, so `find` after a crash
/// arrives at the same name.
#[tokio::test]
async fn role_and_policy_names_from_a_prefix() {
    let h = Harness::new().await;
    let trust = trust_policy(&h, "ec2.amazonaws.com").await;
    let cfg = obj([("name_prefix", Value::from("nodes-")), ("assume_role_policy", Value::from(trust.as_str()))]);
    let token = "mp-0123456789abcdef01234567";
    let (planned, role) = h.create_with_token("aws_iam_role", &cfg, token).await;
    assert_eq!(s(&role, "name"), "nodes-mp0123456789abcdef01234567");
    assert_eq!(role.get("name_prefix"), &Value::from("nodes-"));
    h.assert_no_changes("aws_iam_role", &role, &cfg).await;
    assert_eq!(h.find("aws_iam_role", token, &planned).await.as_ref().map(|r| s(r, "name")), Some(s(&role, "name")));
    let mut other = cfg.clone();
    other.set("name_prefix", Value::from("other-"));
    h.assert_replaces("aws_iam_role", &role, &other, "name_prefix").await;

    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#;
    let pcfg = obj([("name_prefix", Value::from("ebs-csi-")), ("policy", Value::from(doc))]);
    let (_, policy) = h.create_with_token("aws_iam_policy", &pcfg, "mp-00000000000000000000000a").await;
    assert_eq!(s(&policy, "name"), "ebs-csi-mp00000000000000000000000a");
    h.assert_no_changes("aws_iam_policy", &policy, &pcfg).await;
    // Without either, the name still comes from the token alone.
    let unnamed = obj([("policy", Value::from(doc))]);
    let (_, p2) = h.create_with_token("aws_iam_policy", &unnamed, "mp-00000000000000000000000b").await;
    assert!(s(&p2, "name").starts_with("meshplan-"), "{}", s(&p2, "name"));
    assert_eq!(p2.get("name_prefix"), &Value::Null);
    h.delete("aws_iam_policy", &policy).await;
    h.delete("aws_iam_policy", &p2).await;
    h.delete("aws_iam_role", &role).await;
}

/// `inline_policy` and `managed_policy_arns`: configured, the role's policies become exactly
/// that set; left out, they are only read (policies attached by their own resources stay).
#[tokio::test]
async fn role_inline_and_managed_policies_exclusive() {
    let h = Harness::new().await;
    let trust = trust_policy(&h, "eks.amazonaws.com").await;
    let doc = |action: &str| {
        format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#)
    };
    let inline = |items: &[(&str, String)]| {
        Value::List(
            items.iter().map(|(n, p)| obj([("name", Value::from(*n)), ("policy", Value::from(p.as_str()))])).collect(),
        )
    };
    let cluster = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy";
    let vpc = "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController";
    let cfg = |inline_policy: Value, arns: &[&str]| {
        obj([
            ("name", Value::from("exclusive")),
            ("assume_role_policy", Value::from(trust.as_str())),
            ("inline_policy", inline_policy),
            ("managed_policy_arns", list(arns)),
        ])
    };
    let (planned, role) = h
        .create_with_token(
            "aws_iam_role",
            &cfg(inline(&[("logs", doc("logs:CreateLogGroup"))]), &[cluster]),
            "mp-0000000000000000000000e1",
        )
        .await;
    assert_eq!(role.get("inline_policy"), &inline(&[("logs", doc("logs:CreateLogGroup"))]));
    assert_eq!(role.get("managed_policy_arns"), &list(&[cluster]));
    h.assert_no_changes("aws_iam_role", &role, &cfg(inline(&[("logs", doc("logs:CreateLogGroup"))]), &[cluster])).await;
    // The same document with its action as a list: no change.
    let same = doc("logs:CreateLogGroup").replace(r#""logs:CreateLogGroup""#, r#"["logs:CreateLogGroup"]"#);
    h.assert_no_changes("aws_iam_role", &role, &cfg(inline(&[("logs", same)]), &[cluster])).await;
    let found = h.find("aws_iam_role", "mp-0000000000000000000000e1", &planned).await.expect("found");
    assert_eq!(found.get("managed_policy_arns"), &list(&[cluster]));

    // Out-of-band additions are removed; the configured set is restored.
    let iam = &h.clients().iam;
    iam.put_role_policy()
        .role_name("exclusive")
        .policy_name("extra")
        .policy_document(doc("s3:*"))
        .send()
        .await
        .unwrap();
    iam.attach_role_policy().role_name("exclusive").policy_arn(vpc).send().await.unwrap();
    let drifted = h.read("aws_iam_role", &role).await.unwrap();
    assert_eq!(drifted.get("inline_policy").as_list().map(|l| l.len()), Some(2), "{drifted}");
    let role2 =
        h.update("aws_iam_role", &drifted, &cfg(inline(&[("ecr", doc("ecr:GetAuthorizationToken"))]), &[vpc])).await;
    assert_eq!(role2.get("inline_policy"), &inline(&[("ecr", doc("ecr:GetAuthorizationToken"))]));
    assert_eq!(role2.get("managed_policy_arns"), &list(&[vpc]));
    let names = iam.list_role_policies().role_name("exclusive").send().await.unwrap();
    assert_eq!(names.policy_names(), ["ecr".to_string()]);

    // Left out: only read; an attachment made by its own resource is not removed.
    let unmanaged = obj([("name", Value::from("exclusive")), ("assume_role_policy", Value::from(trust.as_str()))]);
    h.assert_no_changes("aws_iam_role", &role2, &unmanaged).await;
    // `inline_policy {}` and `managed_policy_arns = []`: remove them all.
    let role3 = h.update("aws_iam_role", &role2, &cfg(Value::List(vec![obj([])]), &[])).await;
    assert!(iam.list_role_policies().role_name("exclusive").send().await.unwrap().policy_names().is_empty());
    assert!(iam
        .list_attached_role_policies()
        .role_name("exclusive")
        .send()
        .await
        .unwrap()
        .attached_policies()
        .is_empty());
    h.assert_no_changes("aws_iam_role", &role3, &cfg(Value::List(vec![obj([])]), &[])).await;

    let imported = h.import("aws_iam_role", "exclusive").await;
    assert_eq!(imported.get("managed_policy_arns"), &list(&[]));
    // A role holding policies it manages is emptied, then deleted.
    let role4 = h.update("aws_iam_role", &role3, &cfg(inline(&[("logs", doc("logs:*"))]), &[cluster])).await;
    h.delete_and_confirm_gone("aws_iam_role", &role4).await;
    h.delete("aws_iam_role", &role4).await;
}
