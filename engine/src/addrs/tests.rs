use super::*;

fn inst(s: &str) -> ResourceInstanceAddr {
    ResourceInstanceAddr::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

fn target(s: &str) -> Target {
    Target::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn parse_and_display_round_trip() {
    for text in [
        "aws_vpc.main",
        "aws_vpc.main[0]",
        "data.aws_iam_policy_document.p",
        "module.a[\"x\"].module.b.aws_vpc.v[0]",
        "module.net.data.http.x[\"k.with]odd\\\"chars\"]",
        "kubernetes_manifest.crd-x[\"a b\"]",
    ] {
        assert_eq!(target(text).to_string(), text);
    }
    assert_eq!(target("module.a[1]"), Target::Module(ModuleInstanceAddr::root().child("a", Some(InstanceKey::Int(1)))));
    let i = inst("module.a[\"x\"].data.http.y[2]");
    assert_eq!(i.resource.module.path(), vec!["a".to_string()]);
    assert_eq!(i.resource.key.mode, Mode::Data);
    assert_eq!(i.resource.key.type_name, "http");
    assert_eq!(i.key, Some(InstanceKey::Int(2)));
    assert_eq!(i.config_address(), "module.a.data.http.y");
}

#[test]
fn malformed_addresses_are_errors_not_guesses() {
    for bad in [
        "",
        "aws_vpc",
        "aws_vpc.",
        "module",
        "module.",
        "aws_vpc.a[",
        "aws_vpc.a[x]",
        "aws_vpc.a[0",
        "aws_vpc.a.b",
        "data.x",
        "1aws.b",
        "aws_vpc.a[\"x]",
    ] {
        assert!(Target::parse(bad).is_err(), "{bad:?} parsed");
    }
    assert!(ResourceInstanceAddr::parse("module.a").is_err());
}

#[test]
fn targets_contain_what_terraform_targets() {
    let a0 = inst("module.a[0].aws_vpc.v[\"k\"]");
    let a1 = inst("module.a[1].aws_vpc.v[\"k\"]");
    let ab = inst("module.ab.aws_vpc.v");
    assert!(target("module.a").contains(&a0) && target("module.a").contains(&a1));
    assert!(target("module.a[0]").contains(&a0) && !target("module.a[0]").contains(&a1));
    assert!(!target("module.a").contains(&ab), "a prefix of the name is not the module");
    assert!(target("module.a[0].aws_vpc.v").contains(&a0));
    assert!(!target("aws_vpc.v").contains(&a0), "a root resource does not cover a module's");
    assert!(target("module.a[0].aws_vpc.v[\"k\"]").contains(&a0));
    assert!(!target("module.a[0].aws_vpc.v[\"j\"]").contains(&a0));
    assert!(!target("module.a[0].data.aws_vpc.v").contains(&a0), "mode matters");

    let key = ResourceKey { mode: Mode::Managed, type_name: "aws_vpc".into(), name: "v".into() };
    let path = vec!["a".to_string()];
    assert!(target("module.a").contains_config(&path, &key));
    assert!(target("module.a[3].aws_vpc.v[1]").contains_config(&path, &key));
    assert!(!target("aws_vpc.v").contains_config(&path, &key));
    assert!(!target("module.a.aws_vpc.w").contains_config(&path, &key));

    assert!(!target("module.a").is_partial() && !target("module.a.aws_vpc.v").is_partial());
    assert!(target("module.a[0]").is_partial() && target("module.a[0].aws_vpc.v").is_partial());
    assert!(target("aws_vpc.v[1]").is_partial());
}

#[test]
fn moved_follows_terraform_rules() {
    let moved = |from: &str, to: &str, i: &str| target(from).moved_to(&target(to), &inst(i)).map(|a| a.to_string());
    assert_eq!(moved("aws_vpc.a", "aws_vpc.b", "aws_vpc.a[\"x\"]").as_deref(), Some("aws_vpc.b[\"x\"]"));
    assert_eq!(moved("aws_vpc.a", "aws_vpc.a[0]", "aws_vpc.a").as_deref(), Some("aws_vpc.a[0]"));
    assert_eq!(moved("aws_vpc.a", "aws_vpc.a[0]", "aws_vpc.a[1]"), None);
    assert_eq!(moved("aws_vpc.a[0]", "aws_vpc.a", "aws_vpc.a[0]").as_deref(), Some("aws_vpc.a"));
    assert_eq!(
        moved("module.x", "module.y[\"k\"]", "module.x.module.z.aws_vpc.a").as_deref(),
        Some("module.y[\"k\"].module.z.aws_vpc.a")
    );
    assert_eq!(moved("module.x", "module.y", "module.xx.aws_vpc.a"), None);
    assert_eq!(moved("module.x", "aws_vpc.b", "module.x.aws_vpc.a"), None);
}

#[test]
fn provider_config_addresses() {
    let p = ProviderConfigAddr::parse("module.a.module.b.provider[\"aws\"].west").unwrap();
    assert_eq!(p.module, vec!["a".to_string(), "b".to_string()]);
    assert_eq!(p.provider, ProviderRef { name: "aws".into(), alias: Some("west".into()) });
    assert_eq!(p.to_string(), "module.a.module.b.provider[\"aws\"].west");
    let root = ProviderConfigAddr::parse("provider[\"kubernetes\"]").unwrap();
    assert!(root.module.is_empty() && root.provider.alias.is_none());
    for bad in ["aws", "provider[\"aws", "module.provider[\"aws\"]", "provider[\"aws\"]west"] {
        assert!(ProviderConfigAddr::parse(bad).is_err(), "{bad:?} parsed");
    }
}
