//! aws_sqs_queue and aws_sqs_queue_policy against moto.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::Value;

const TOKEN: &str = "mp-0000000000000000000000a5";

fn policy(queue_arn: &str, sid: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{sid}","Effect":"Allow","Principal":{{"Service":"events.amazonaws.com"}},"Action":"sqs:SendMessage","Resource":"{queue_arn}"}}]}}"#
    )
}

#[tokio::test]
async fn queue_and_policy_lifecycle() {
    let h = Harness::new().await;
    let cfg = |retention: i64, team: &str| {
        obj([
            ("name_prefix", Value::from("karpenter-")),
            ("message_retention_seconds", Value::from(retention)),
            ("sqs_managed_sse_enabled", Value::from(true)),
            ("tags", tags([("team", team)])),
        ])
    };
    let (planned, q) = h.create_with_token("aws_sqs_queue", &cfg(300, "mesh"), TOKEN).await;
    let url = s(&q, "id");
    assert_eq!(s(&q, "name"), "karpenter-mp0000000000000000000000a5");
    assert_eq!(s(&q, "url"), url);
    assert!(url.ends_with("/karpenter-mp0000000000000000000000a5"), "{url}");
    assert!(s(&q, "arn").ends_with(":karpenter-mp0000000000000000000000a5"), "{q}");
    assert_eq!(q.get("message_retention_seconds"), &Value::from(300i64));
    assert_eq!(q.get("visibility_timeout_seconds"), &Value::from(30i64));
    assert_eq!(q.get("fifo_queue"), &Value::from(false));
    assert_eq!(q.get("tags"), &tags([("team", "mesh")]));
    h.assert_no_changes("aws_sqs_queue", &q, &cfg(300, "mesh")).await;
    assert_eq!(h.find("aws_sqs_queue", TOKEN, &planned).await.map(|f| s(&f, "id")), Some(url.clone()));
    assert_eq!(h.find("aws_sqs_queue", "mp-ffffffffffffffffffffffff", &planned).await, None);

    let q2 = h.update("aws_sqs_queue", &q, &cfg(600, "platform")).await;
    assert_eq!(q2.get("message_retention_seconds"), &Value::from(600i64));
    assert_eq!(q2.get("tags"), &tags([("team", "platform")]));
    h.assert_no_changes("aws_sqs_queue", &q2, &cfg(600, "platform")).await;
    let mut fifo = cfg(600, "platform");
    fifo.set("fifo_queue", Value::from(true));
    h.assert_replaces("aws_sqs_queue", &q2, &fifo, "fifo_queue").await;
    let imported = h.import("aws_sqs_queue", &url).await;
    assert_eq!(imported.get("message_retention_seconds"), &Value::from(600i64));
    assert_eq!(imported.get("name"), q2.get("name"));

    // The policy, as its own resource; the queue's optional+computed policy follows it quietly.
    let arn = s(&q2, "arn");
    let pcfg = |sid: &str| obj([("queue_url", Value::from(url.as_str())), ("policy", Value::from(policy(&arn, sid)))]);
    let (pplanned, p) = h.create_with_token("aws_sqs_queue_policy", &pcfg("Events"), TOKEN).await;
    assert_eq!(s(&p, "id"), url);
    h.assert_no_changes("aws_sqs_queue_policy", &p, &pcfg("Events")).await;
    h.assert_no_changes("aws_sqs_queue", &q2, &cfg(600, "platform")).await;
    assert_eq!(h.find("aws_sqs_queue_policy", TOKEN, &pplanned).await.map(|f| s(&f, "id")), Some(url.clone()));
    // Same meaning, other text: no change.
    let reordered = policy(&arn, "Events")
        .replace(r#""Effect":"Allow","#, "")
        .replace(r#""Action""#, r#""Effect":"Allow","Action""#);
    h.assert_no_changes(
        "aws_sqs_queue_policy",
        &p,
        &obj([("queue_url", Value::from(url.as_str())), ("policy", Value::from(reordered))]),
    )
    .await;
    let p2 = h.update("aws_sqs_queue_policy", &p, &pcfg("Other")).await;
    assert!(s(&p2, "policy").contains("Other"), "{p2}");
    assert_eq!(h.import("aws_sqs_queue_policy", &url).await.get("queue_url"), &Value::from(url.as_str()));
    h.delete_and_confirm_gone("aws_sqs_queue_policy", &p2).await;
    h.delete("aws_sqs_queue_policy", &p2).await;

    h.delete_and_confirm_gone("aws_sqs_queue", &q2).await;
    h.delete("aws_sqs_queue", &q2).await;

    // FIFO: a generated name gets the .fifo suffix.
    let f = h
        .create(
            "aws_sqs_queue",
            &obj([
                ("name_prefix", Value::from("jobs-")),
                ("fifo_queue", Value::from(true)),
                ("content_based_deduplication", Value::from(true)),
            ]),
        )
        .await;
    assert!(s(&f, "name").ends_with(".fifo"), "{f}");
    assert_eq!(f.get("content_based_deduplication"), &Value::from(true));
    h.delete("aws_sqs_queue", &f).await;
}

/// aws_sqs_queue_redrive_policy owns one queue attribute; the queue's own optional+computed
/// attribute follows quietly. (moto does not keep RedriveAllowPolicy: `sqs_mocks` covers
/// aws_sqs_queue_redrive_allow_policy.)
#[tokio::test]
async fn redrive_policies_lifecycle() {
    let h = Harness::new().await;
    let dlq = h.create("aws_sqs_queue", &obj([("name", Value::from("orders-dlq"))])).await;
    let src = h.create("aws_sqs_queue", &obj([("name", Value::from("orders"))])).await;
    let (dlq_url, src_url, dlq_arn) = (s(&dlq, "id"), s(&src, "id"), s(&dlq, "arn"));

    let redrive = |count: i64| format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":{count}}}"#);
    let rcfg = |doc: String| obj([("queue_url", Value::from(src_url.as_str())), ("redrive_policy", Value::from(doc))]);
    let (planned, r) = h.create_with_token("aws_sqs_queue_redrive_policy", &rcfg(redrive(4)), TOKEN).await;
    assert_eq!(s(&r, "id"), src_url);
    h.assert_no_changes("aws_sqs_queue_redrive_policy", &r, &rcfg(redrive(4))).await;
    // The same document with its keys the other way round and spaces: no change.
    let reordered = format!(r#"{{ "maxReceiveCount": 4, "deadLetterTargetArn": "{dlq_arn}" }}"#);
    h.assert_no_changes("aws_sqs_queue_redrive_policy", &r, &rcfg(reordered)).await;
    h.assert_no_changes("aws_sqs_queue", &src, &obj([("name", Value::from("orders"))])).await;
    let found = h.find("aws_sqs_queue_redrive_policy", TOKEN, &planned).await;
    assert_eq!(found.map(|f| s(&f, "id")), Some(src_url.clone()));
    let r2 = h.update("aws_sqs_queue_redrive_policy", &r, &rcfg(redrive(7))).await;
    let remote = h.read("aws_sqs_queue", &src).await.expect("queue");
    assert!(s(&remote, "redrive_policy").contains('7'), "{remote}");
    let other = obj([("queue_url", Value::from(dlq_url.as_str())), ("redrive_policy", Value::from(redrive(7)))]);
    h.assert_replaces("aws_sqs_queue_redrive_policy", &r2, &other, "queue_url").await;
    let imported = h.import("aws_sqs_queue_redrive_policy", &src_url).await;
    assert!(s(&imported, "redrive_policy").contains(&dlq_arn), "{imported}");

    h.delete_and_confirm_gone("aws_sqs_queue_redrive_policy", &r2).await;
    h.delete("aws_sqs_queue_redrive_policy", &r2).await;
}
