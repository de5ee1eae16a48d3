//! `meshplan providers` as Terraform prints it: a tree of the configuration's modules and
//! the providers each needs, then the providers the state names.

use meshplan_engine::ops::providers::{ModuleProviders, ProvidersReport};

pub fn render_providers(report: &ProvidersReport) -> String {
    let mut out = String::from("\nProviders required by configuration:\n.\n");
    tree(&report.configuration, "", &mut out);
    out.push('\n');
    if !report.state.is_empty() {
        out.push_str("Providers required by state:\n\n");
        for p in &report.state {
            out.push_str(&format!("    provider[{p}]\n"));
        }
        out.push('\n');
    }
    out
}

fn tree(m: &ModuleProviders, prefix: &str, out: &mut String) {
    let total = m.providers.len() + m.children.len();
    let mut n = 0;
    let mut branch = |out: &mut String| {
        n += 1;
        let last = n == total;
        out.push_str(prefix);
        out.push_str(if last { "└── " } else { "├── " });
        format!("{prefix}{}", if last { "    " } else { "│   " })
    };
    for (p, constraint) in &m.providers {
        branch(out);
        let constraint = if constraint.is_empty() { String::new() } else { format!(" {constraint}") };
        out.push_str(&format!("provider[{p}]{constraint}\n"));
    }
    for (name, child) in &m.children {
        let inner = branch(out);
        out.push_str(name);
        out.push('\n');
        tree(child, &inner, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_tree_layout() {
        let p = |addr: &str, constraint: &str| (addr.to_string(), constraint.to_string());
        let leaf =
            ModuleProviders { providers: [p("registry.terraform.io/hashicorp/aws", "")].into(), children: vec![] };
        let child = ModuleProviders {
            providers: [p("terraform.io/builtin/terraform", "")].into(),
            children: vec![("module.inner".into(), leaf)],
        };
        let report = ProvidersReport {
            configuration: ModuleProviders {
                providers: [
                    p("registry.terraform.io/hashicorp/aws", "~> 5.0"),
                    p("registry.terraform.io/hashicorp/tls", ""),
                ]
                .into(),
                children: vec![("module.child".into(), child), ("module.empty".into(), ModuleProviders::default())],
            },
            state: ["registry.terraform.io/hashicorp/aws".to_string()].into(),
        };
        let want = "
Providers required by configuration:
.
├── provider[registry.terraform.io/hashicorp/aws] ~> 5.0
├── provider[registry.terraform.io/hashicorp/tls]
├── module.child
│   ├── provider[terraform.io/builtin/terraform]
│   └── module.inner
│       └── provider[registry.terraform.io/hashicorp/aws]
└── module.empty

Providers required by state:

    provider[registry.terraform.io/hashicorp/aws]

";
        assert_eq!(render_providers(&report), want);
    }
}
