//! IAM users, groups and account settings (what terraform-aws-modules/iam declares) against
//! moto: create, clean re-plan, in-place update, replacement, import, find, delete twice.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::{PlanRequest, Value};

const TOKEN: &str = "mp-00000000000000000000beef";
const READ_ONLY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const SSH_KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDKlP3kbiiDJfN7FcAlkjyHmWGFR9WR8AJ9KMK/NQy7YTuxe9LDfx1LJwXwdgrwMEv7dzGzvqtu5Y0TIzH/H1zSUpAxaCx8E5mcb6Dl40Fl2hbqAIO/UKhpXjL0MNkEO5ErQPgg/K7TlQsVQylnT8qUeyDWqX7MvU8CN3DN/YQe5Fvt5vbY0LttEODVnV+j7yzmUj4+RNIWqi1yZK13ktzB5pI4cmxAPdWFvVH9MXF7Qz9cbK8G66yxAbdSUgfA+TxSFoS4p6RgdF4YQtcq20ewG9Wr0+Pu+MIYhC/sRtc+3IU2bA5d1QdxwlvqzqpJczNeZw3jAJPzgCQtj+p6oeRGF test";

fn users(names: &[&str]) -> Value {
    Value::List(names.iter().map(|n| Value::from(*n)).collect())
}

#[tokio::test]
async fn user_group_membership_and_attachments() {
    let h = Harness::new().await;
    // permissions_boundary = "" is none (what terraform-aws-modules/iam passes by default).
    let ucfg = |path: &str, team: &str| {
        obj([
            ("name", Value::from("alice")),
            ("path", Value::from(path)),
            ("permissions_boundary", Value::from("")),
            ("tags", tags([("team", team)])),
        ])
    };
    let (planned, u) = h.create_with_token("aws_iam_user", &ucfg("/", "a"), TOKEN).await;
    assert_eq!(s(&u, "id"), "alice");
    assert!(s(&u, "arn").ends_with(":user/alice"), "{u}");
    assert!(!s(&u, "unique_id").is_empty());
    assert_eq!(u.get("tags"), &tags([("team", "a")]), "the intent tag is hidden");
    assert_eq!(u.get("force_destroy"), &Value::from(false));
    h.assert_no_changes("aws_iam_user", &u, &ucfg("/", "a")).await;
    assert_eq!(h.find("aws_iam_user", TOKEN, &planned).await.map(|f| s(&f, "id")), Some("alice".into()));
    assert_eq!(h.find("aws_iam_user", "mp-ffffffffffffffffffffffff", &planned).await, None);
    let u2 = h.update("aws_iam_user", &u, &ucfg("/people/", "b")).await;
    assert_eq!(u2.get("path"), &Value::from("/people/"));
    assert_eq!(u2.get("tags"), &tags([("team", "b")]));
    h.assert_no_changes("aws_iam_user", &u2, &ucfg("/people/", "b")).await;
    h.assert_replaces("aws_iam_user", &u2, &obj([("name", Value::from("bob"))]), "name").await;
    let imported = h.import("aws_iam_user", "alice").await;
    assert_eq!(imported.get("arn"), u2.get("arn"));
    assert_eq!(imported.get("tags"), &tags([("team", "b")]));
    let bob = h.create("aws_iam_user", &obj([("name", Value::from("bob"))])).await;

    // Groups: no tags, found by the configured name.
    let gcfg = |path: &str| obj([("name", Value::from("devs")), ("path", Value::from(path))]);
    let (gplanned, g) = h.create_with_token("aws_iam_group", &gcfg("/"), TOKEN).await;
    assert!(s(&g, "arn").ends_with(":group/devs"), "{g}");
    h.assert_no_changes("aws_iam_group", &g, &gcfg("/")).await;
    assert!(h.find("aws_iam_group", TOKEN, &gplanned).await.is_some());
    // moto's UpdateGroup changes the path only together with the name, so the in-place path
    // change is planned here, not applied.
    assert!(!h.plan("aws_iam_group", Some(&g), &gcfg("/teams/")).await.replaces());
    let g2 = g.clone();
    h.assert_replaces("aws_iam_group", &g2, &obj([("name", Value::from("ops"))]), "name").await;
    assert_eq!(h.import("aws_iam_group", "devs").await.get("unique_id"), g2.get("unique_id"));

    // Membership: the group's users, exclusively.
    let mcfg = |who: &[&str]| {
        obj([("name", Value::from("devs-members")), ("group", Value::from("devs")), ("users", users(who))])
    };
    let (mplanned, m) = h.create_with_token("aws_iam_group_membership", &mcfg(&["alice"]), TOKEN).await;
    assert_eq!(s(&m, "id"), "devs-members");
    h.assert_no_changes("aws_iam_group_membership", &m, &mcfg(&["alice"])).await;
    assert!(h.find("aws_iam_group_membership", TOKEN, &mplanned).await.is_some());
    let m2 = h.update("aws_iam_group_membership", &m, &mcfg(&["alice", "bob"])).await;
    assert_eq!(m2.get("users"), &users(&["alice", "bob"]));
    let m3 = h.update("aws_iam_group_membership", &m2, &mcfg(&["bob"])).await;
    assert_eq!(m3.get("users"), &users(&["bob"]));
    h.assert_replaces("aws_iam_group_membership", &m3, &mcfg(&["bob"]).tap_set("group", "ops"), "group").await;
    assert!(h.resource("aws_iam_group_membership").import(&h.ctx("x"), "devs-members").await.is_err());

    // Policy attachments to a user and to a group.
    for (ty, key, who) in
        [("aws_iam_user_policy_attachment", "user", "alice"), ("aws_iam_group_policy_attachment", "group", "devs")]
    {
        let cfg = |arn: &str| obj([(key, Value::from(who)), ("policy_arn", Value::from(arn))]);
        let a = h.create(ty, &cfg(READ_ONLY)).await;
        assert_eq!(s(&a, "id"), format!("{who}/{READ_ONLY}"));
        h.assert_no_changes(ty, &a, &cfg(READ_ONLY)).await;
        h.assert_replaces(ty, &a, &cfg("arn:aws:iam::aws:policy/IAMReadOnlyAccess"), "policy_arn").await;
        assert_eq!(h.import(ty, &s(&a, "id")).await.get(key), &Value::from(who));
        assert!(h.resource(ty).import(&h.ctx("x"), "no-slash").await.is_err());
        let planned = h.plan(ty, None, &cfg(READ_ONLY)).await.state;
        assert!(h.find(ty, TOKEN, &planned).await.is_some());
        h.delete_and_confirm_gone(ty, &a).await;
        h.delete(ty, &a).await;
        assert!(h.find(ty, TOKEN, &planned).await.is_none(), "detached: nothing to adopt");
    }

    // Delete: the membership, then the group; the user (still in no group) and bob.
    h.delete_and_confirm_gone("aws_iam_group_membership", &m3).await;
    h.delete("aws_iam_group_membership", &m3).await;
    h.delete_and_confirm_gone("aws_iam_group", &g2).await;
    h.delete("aws_iam_group", &g2).await;
    h.delete_and_confirm_gone("aws_iam_user", &u2).await;
    h.delete("aws_iam_user", &u2).await;
    h.delete_and_confirm_gone("aws_iam_user", &bob).await;
}

#[tokio::test]
async fn access_key_login_profile_ssh_key_and_force_destroy() {
    let h = Harness::new().await;
    let u = h.create("aws_iam_user", &obj([("name", Value::from("ci")), ("force_destroy", Value::from(true))])).await;

    // Access key: the secret and SES password only from the create, sensitive in the schema.
    let rt = h.resource("aws_iam_access_key");
    for attr in ["secret", "ses_smtp_password_v4"] {
        assert!(rt.schema().attributes[attr].sensitive, "{attr} must be sensitive");
    }
    let kcfg = |status: Option<&str>| {
        obj([("user", Value::from("ci")), ("status", status.map(Value::from).unwrap_or(Value::Null))])
    };
    let k = h.create("aws_iam_access_key", &kcfg(None)).await;
    assert!(!s(&k, "secret").is_empty());
    assert_eq!(s(&k, "ses_smtp_password_v4").len(), 44, "0x04 + 32 bytes, base64");
    assert_eq!(k.get("status"), &Value::from("Active"));
    h.assert_no_changes("aws_iam_access_key", &k, &kcfg(None)).await;
    let k2 = h.update("aws_iam_access_key", &k, &kcfg(Some("Inactive"))).await;
    assert_eq!(k2.get("status"), &Value::from("Inactive"));
    assert_eq!(k2.get("secret"), k.get("secret"), "the secret is kept across refreshes");
    h.assert_replaces("aws_iam_access_key", &k2, &obj([("user", Value::from("other"))]), "user").await;
    let imported = h.import("aws_iam_access_key", &s(&k2, "id")).await;
    assert_eq!(imported.get("user"), &Value::from("ci"));
    assert_eq!(imported.get("secret"), &Value::Null, "an imported key has no secret");
    // pgp_key: a plan-time error at the attribute, with a hint.
    let bad = crate::support::complete(
        &rt.schema(),
        &obj([("user", Value::from("ci")), ("pgp_key", Value::from("keybase:x"))]),
    );
    let err = rt.plan(&h.ctx("aws_iam_access_key.k"), PlanRequest { prior: None, config: &bad }).await.unwrap_err();
    assert_eq!(err.attribute.as_deref(), Some("pgp_key"), "{}", err.message);
    assert!(err.hint.is_some());
    assert!(h
        .find("aws_iam_access_key", TOKEN, &h.plan("aws_iam_access_key", None, &kcfg(None)).await.state)
        .await
        .is_none());
    h.delete_and_confirm_gone("aws_iam_access_key", &k2).await;
    h.delete("aws_iam_access_key", &k2).await;

    // Login profile: a generated password, kept (sensitive) in the state.
    let lrt = h.resource("aws_iam_user_login_profile");
    assert!(lrt.schema().attributes["password"].sensitive);
    // pgp_key = "" is unset (terraform-aws-modules/iam's default), not refused.
    let lcfg = |reset: bool| {
        obj([
            ("user", Value::from("ci")),
            ("password_length", Value::from(24i64)),
            ("password_reset_required", Value::from(reset)),
            ("pgp_key", Value::from("")),
        ])
    };
    let (lplanned, l) = h.create_with_token("aws_iam_user_login_profile", &lcfg(false), TOKEN).await;
    assert_eq!(s(&l, "id"), "ci");
    assert_eq!(s(&l, "password").len(), 24);
    h.assert_no_changes("aws_iam_user_login_profile", &l, &lcfg(false)).await;
    assert!(h.find("aws_iam_user_login_profile", TOKEN, &lplanned).await.is_some());
    // moto's UpdateLoginProfile drops the password when none is sent (AWS keeps it), so the
    // in-place change of password_reset_required is only planned here, not applied.
    let upd = h.plan("aws_iam_user_login_profile", Some(&l), &lcfg(true)).await;
    assert!(!upd.replaces(), "password_reset_required changes in place");
    let l2 = l.clone();
    h.assert_replaces(
        "aws_iam_user_login_profile",
        &l2,
        &obj([("user", Value::from("ci")), ("password_length", Value::from(30i64))]),
        "password_length",
    )
    .await;
    assert_eq!(h.import("aws_iam_user_login_profile", "ci").await.get("user"), &Value::from("ci"));
    let short = crate::support::complete(
        &lrt.schema(),
        &obj([("user", Value::from("ci")), ("password_length", Value::from(3i64))]),
    );
    let err = lrt.plan(&h.ctx("x"), PlanRequest { prior: None, config: &short }).await.unwrap_err();
    assert_eq!(err.attribute.as_deref(), Some("password_length"));
    h.delete_and_confirm_gone("aws_iam_user_login_profile", &l2).await;
    h.delete("aws_iam_user_login_profile", &l2).await;

    // SSH key: found by its body after a crash.
    let scfg = |status: Option<&str>| {
        obj([
            ("username", Value::from("ci")),
            ("encoding", Value::from("SSH")),
            ("public_key", Value::from(SSH_KEY)),
            ("status", status.map(Value::from).unwrap_or(Value::Null)),
        ])
    };
    let (splanned, k) = h.create_with_token("aws_iam_user_ssh_key", &scfg(None), TOKEN).await;
    assert_eq!(k.get("id"), k.get("ssh_public_key_id"));
    assert_eq!(k.get("status"), &Value::from("Active"));
    h.assert_no_changes("aws_iam_user_ssh_key", &k, &scfg(None)).await;
    assert_eq!(h.find("aws_iam_user_ssh_key", TOKEN, &splanned).await.map(|f| s(&f, "id")), Some(s(&k, "id")));
    let k2 = h.update("aws_iam_user_ssh_key", &k, &scfg(Some("Inactive"))).await;
    assert_eq!(k2.get("status"), &Value::from("Inactive"));
    h.assert_replaces("aws_iam_user_ssh_key", &k2, &scfg(None).tap_set("encoding", "PEM"), "encoding").await;
    let imported = h.import("aws_iam_user_ssh_key", &format!("ci:{}:SSH", s(&k2, "id"))).await;
    assert_eq!(imported.get("fingerprint"), k2.get("fingerprint"));
    assert!(h.resource("aws_iam_user_ssh_key").import(&h.ctx("x"), "ci").await.is_err());
    h.delete_and_confirm_gone("aws_iam_user_ssh_key", &k2).await;
    h.delete("aws_iam_user_ssh_key", &k2).await;

    // force_destroy: the user goes with a key, a login profile and an attachment still on it.
    h.create("aws_iam_access_key", &kcfg(None)).await;
    h.create("aws_iam_user_login_profile", &lcfg(false)).await;
    h.create(
        "aws_iam_user_policy_attachment",
        &obj([("user", Value::from("ci")), ("policy_arn", Value::from(READ_ONLY))]),
    )
    .await;
    h.delete_and_confirm_gone("aws_iam_user", &u).await;
}

#[tokio::test]
async fn account_alias_and_password_policy() {
    let h = Harness::new().await;
    let acfg = |alias: &str| obj([("account_alias", Value::from(alias))]);
    let (aplanned, a) = h.create_with_token("aws_iam_account_alias", &acfg("mesh-dev"), TOKEN).await;
    assert_eq!(s(&a, "id"), "mesh-dev");
    h.assert_no_changes("aws_iam_account_alias", &a, &acfg("mesh-dev")).await;
    assert!(h.find("aws_iam_account_alias", TOKEN, &aplanned).await.is_some());
    h.assert_replaces("aws_iam_account_alias", &a, &acfg("mesh-prod"), "account_alias").await;
    assert_eq!(h.import("aws_iam_account_alias", "mesh-dev").await.get("account_alias"), &Value::from("mesh-dev"));
    h.delete_and_confirm_gone("aws_iam_account_alias", &a).await;
    h.delete("aws_iam_account_alias", &a).await;

    let pcfg = |len: i64| {
        obj([
            ("minimum_password_length", Value::from(len)),
            ("require_symbols", Value::from(true)),
            ("max_password_age", Value::from(90i64)),
        ])
    };
    let p = h.create("aws_iam_account_password_policy", &pcfg(14)).await;
    assert_eq!(s(&p, "id"), "iam-account-password-policy");
    assert_eq!(p.get("minimum_password_length"), &Value::from(14i64));
    assert_eq!(p.get("expire_passwords"), &Value::from(true));
    h.assert_no_changes("aws_iam_account_password_policy", &p, &pcfg(14)).await;
    let p2 = h.update("aws_iam_account_password_policy", &p, &pcfg(20)).await;
    assert_eq!(p2.get("minimum_password_length"), &Value::from(20i64));
    h.assert_no_changes("aws_iam_account_password_policy", &p2, &pcfg(20)).await;
    let imported = h.import("aws_iam_account_password_policy", "iam-account-password-policy").await;
    assert_eq!(imported.get("require_symbols"), &Value::from(true));
    assert!(h.find("aws_iam_account_password_policy", TOKEN, &p2).await.is_some());
    h.delete_and_confirm_gone("aws_iam_account_password_policy", &p2).await;
    h.delete("aws_iam_account_password_policy", &p2).await;
}

/// `value.tap_set(k, v)`: a copy with one attribute changed.
trait TapSet {
    fn tap_set(self, key: &str, v: &str) -> Value;
}

impl TapSet for Value {
    fn tap_set(mut self, key: &str, v: &str) -> Value {
        self.set(key, Value::from(v));
        self
    }
}

#[tokio::test]
async fn user_inline_policy() {
    let h = Harness::new().await;
    let user = h.create("aws_iam_user", &obj([("name", Value::from("carol"))])).await;
    let doc = |action: &str| {
        format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#)
    };
    let cfg = |action: &str| {
        obj([
            ("user", Value::from("carol")),
            ("name_prefix", Value::from("read-")),
            ("policy", Value::from(doc(action))),
        ])
    };
    let (planned, p) = h.create_with_token("aws_iam_user_policy", &cfg("s3:GetObject"), TOKEN).await;
    assert_eq!(s(&p, "id"), "carol:read-mp00000000000000000000beef");
    assert_eq!(s(&p, "name"), "read-mp00000000000000000000beef");
    h.assert_no_changes("aws_iam_user_policy", &p, &cfg("s3:GetObject")).await;
    // The same document with its action as a list: no change.
    let same = obj([
        ("user", Value::from("carol")),
        ("name_prefix", Value::from("read-")),
        ("policy", Value::from(doc("s3:GetObject").replace(r#""s3:GetObject""#, r#"["s3:GetObject"]"#))),
    ]);
    h.assert_no_changes("aws_iam_user_policy", &p, &same).await;
    assert_eq!(h.find("aws_iam_user_policy", TOKEN, &planned).await.map(|f| s(&f, "id")), Some(s(&p, "id")));
    let p2 = h.update("aws_iam_user_policy", &p, &cfg("s3:PutObject")).await;
    assert!(s(&p2, "policy").contains("s3:PutObject"));
    let mut moved = cfg("s3:PutObject");
    moved.set("user", Value::from("dave"));
    h.assert_replaces("aws_iam_user_policy", &p2, &moved, "user").await;
    let imported = h.import("aws_iam_user_policy", &s(&p2, "id")).await;
    assert_eq!(imported.get("user"), &Value::from("carol"));
    assert!(s(&imported, "policy").contains("s3:PutObject"));
    h.delete_and_confirm_gone("aws_iam_user_policy", &p2).await;
    h.delete("aws_iam_user_policy", &p2).await;
    h.delete("aws_iam_user", &user).await;
}
