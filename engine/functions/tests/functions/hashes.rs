use crate::{assert_results, run};
use meshplan_functions::Value;

#[test]
fn digests_of_hello_world() {
    assert_results(&[
        ("md5", r#"["hello world"]"#, r#""5eb63bbbe01eeed093cb22bb8f5acdc3""#),
        ("sha1", r#"["hello world"]"#, r#""2aae6c35c94fcfb415dbe95f408b9ce91ee846ed""#),
        ("sha256", r#"["hello world"]"#, r#""b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9""#),
        (
            "sha512",
            r#"["hello world"]"#,
            r#""309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f""#,
        ),
        ("base64sha256", r#"["hello world"]"#, r#""uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=""#),
        (
            "base64sha512",
            r#"["hello world"]"#,
            r#""MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw==""#,
        ),
    ]);
}

#[test]
fn uuid_is_a_random_v4() {
    let a = run("uuid", &[]).unwrap();
    let b = run("uuid", &[]).unwrap();
    let text = a.as_str().unwrap();
    assert_eq!(text.len(), 36);
    assert_eq!(&text[14..15], "4", "version nibble of {text}");
    assert_ne!(a, b);
    assert!(run("uuid", &[Value::from("x")]).unwrap_err().message.contains("uuid expects 0 arguments (uuid()), got 1"));
}

#[test]
fn uuidv5_is_name_based_and_deterministic() {
    assert_results(&[
        // Terraform's documented examples.
        ("uuidv5", r#"["dns", "www.terraform.io"]"#, r#""a5008fae-b28c-5ba5-96cd-82b4c53552d6""#),
        ("uuidv5", r#"["url", "https://www.terraform.io/"]"#, r#""9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5""#),
        ("uuidv5", r#"["oid", "1.2.3"]"#, r#""42d5e23b-3a02-5135-85c6-52d1102f1f00""#),
        ("uuidv5", r#"["x500", "cn=x"]"#, r#""a951fb6d-5aab-5a72-8e2e-9aa8df8d1f8f""#),
        (
            "uuidv5",
            r#"["743ac3c0-3bf7-4a5b-9e6c-59360447c757", "LIBS:diskfont.library"]"#,
            r#""ede1a974-df7e-5f17-84b9-76208818b2c8""#,
        ),
    ]);
    crate::assert_errors(&[
        (
            "uuidv5",
            r#"["nope", "x"]"#,
            r#"Invalid value for "namespace" parameter: "nope" is neither a UUID nor one of the namespaces"#,
        ),
        ("uuidv5", r#"[null, "x"]"#, "must not be null"),
    ]);
}

#[test]
fn bcrypt_hashes_verify_and_differ_by_salt() {
    let hash = |args: &[Value]| run("bcrypt", args).unwrap().as_str().unwrap().to_string();
    let a = hash(&[Value::from("hunter2")]);
    assert!(a.starts_with("$2a$10$") && a.len() == 60, "default cost 10 in Go's $2a$ form: {a}");
    assert!(bcrypt::verify("hunter2", &a).unwrap());
    assert!(!bcrypt::verify("hunter3", &a).unwrap());
    let b = hash(&[Value::from("hunter2"), Value::from(4i64)]);
    assert!(b.starts_with("$2a$04$"), "{b}");
    assert!(bcrypt::verify("hunter2", &b).unwrap());
    assert_ne!(
        hash(&[Value::from("x"), Value::from(4i64)]),
        hash(&[Value::from("x"), Value::from(4i64)]),
        "random salt"
    );
    // A secret password gives a secret hash.
    assert!(run("bcrypt", &[Value::from("pw").mark_sensitive(), Value::from(4i64)]).unwrap().is_sensitive());
    crate::assert_errors(&[
        ("bcrypt", r#"["x", 3]"#, r#"Invalid value for "cost" parameter: the cost must be between 4 and 31, got 3"#),
        ("bcrypt", r#"["x", 32]"#, "between 4 and 31, got 32"),
        ("bcrypt", r#"["x", 4.5]"#, "a whole number is required"),
        (
            "bcrypt",
            &format!("[{:?}, 4]", "a".repeat(73)),
            r#"Invalid value for "string" parameter: bcrypt can hash at most 72 bytes, got 73"#,
        ),
    ]);
}
