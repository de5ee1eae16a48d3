use crate::{assert_errors, assert_results};

#[test]
fn cidr_functions_match_terraform_docs() {
    assert_results(&[
        ("cidrsubnet", r#"["10.2.0.0/16", 4, 1]"#, r#""10.2.16.0/20""#),
        ("cidrsubnet", r#"["172.16.0.0/12", 4, 2]"#, r#""172.18.0.0/16""#),
        ("cidrsubnet", r#"["10.1.2.0/24", 4, 15]"#, r#""10.1.2.240/28""#),
        ("cidrsubnet", r#"["10.1.2.3/16", 8, 0]"#, r#""10.1.0.0/24""#),
        ("cidrsubnet", r#"["10.0.0.0/8", 0, 0]"#, r#""10.0.0.0/8""#),
        ("cidrsubnet", r#"["fd00:fd12:3456:7890::/56", 16, 162]"#, r#""fd00:fd12:3456:7800:a200::/72""#),
        (
            "cidrsubnets",
            r#"["10.1.0.0/16", 4, 4, 8, 4]"#,
            r#"["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]"#,
        ),
        (
            "cidrsubnets",
            r#"["fd00:fd12:3456:7890::/56", 16, 16, 16, 32]"#,
            r#"["fd00:fd12:3456:7800::/72", "fd00:fd12:3456:7800:100::/72", "fd00:fd12:3456:7800:200::/72", "fd00:fd12:3456:7800:300::/88"]"#,
        ),
        ("cidrsubnets", r#"["10.0.0.0/24", 1, 1]"#, r#"["10.0.0.0/25", "10.0.0.128/25"]"#),
        ("cidrsubnets", r#"["0.0.0.0/0", 1, 1]"#, r#"["0.0.0.0/1", "128.0.0.0/1"]"#),
        ("cidrhost", r#"["10.12.112.0/20", 16]"#, r#""10.12.112.16""#),
        ("cidrhost", r#"["10.12.112.0/20", 268]"#, r#""10.12.113.12""#),
        ("cidrhost", r#"["10.0.0.0/8", -1]"#, r#""10.255.255.255""#),
        ("cidrhost", r#"["fd00:fd12:3456:7890:00a2::/72", 34]"#, r#""fd00:fd12:3456:7890::22""#),
        ("cidrnetmask", r#"["172.16.0.0/12"]"#, r#""255.240.0.0""#),
        ("cidrnetmask", r#"["10.0.0.0/32"]"#, r#""255.255.255.255""#),
        ("cidrnetmask", r#"["0.0.0.0/0"]"#, r#""0.0.0.0""#),
    ]);
}

#[test]
fn cidr_errors_match_terraform() {
    assert_errors(&[
        ("cidrsubnet", r#"["10.0.0.0/30", 4, 0]"#, "insufficient address space to extend prefix of 30 by 4"),
        (
            "cidrsubnet",
            r#"["10.0.0.0/16", 4, 16]"#,
            r#""netnum" parameter: prefix extension of 4 does not accommodate a subnet numbered 16"#,
        ),
        ("cidrsubnet", r#"["10.0.0.0/16", 4, -1]"#, "does not accommodate a subnet numbered -1"),
        ("cidrsubnet", r#"["10.0.0/16", 4, 1]"#, r#"Invalid value for "prefix" parameter: invalid CIDR expression"#),
        ("cidrsubnet", r#"["10.0.0.0", 4, 1]"#, "invalid CIDR expression"),
        (
            "cidrsubnets",
            r#"["10.0.0.0/24", 1, 1, 1]"#,
            "not enough remaining address space for a subnet with a prefix of 25 bits after 10.0.0.128/25",
        ),
        ("cidrsubnets", r#"["10.0.0.0/24", 0]"#, "must extend prefix by at least one bit"),
        (
            "cidrsubnets",
            r#"["10.0.0.0/24", 9]"#,
            "would extend prefix to 33 bits, which is too long for an IPv4 address",
        ),
        ("cidrhost", r#"["10.0.0.0/30", 4]"#, "prefix of 30 does not accommodate a host numbered 4"),
        ("cidrhost", r#"["10.0.0.0/30", -5]"#, "does not accommodate a host numbered -5"),
        ("cidrnetmask", r#"["fd00::/8"]"#, "IPv6 addresses cannot have a netmask"),
    ]);
}
