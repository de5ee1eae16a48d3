//! The `meshplan` binary: the CLI over the engine and the providers built into it.

use meshplan_engine::registry::Registry;

fn main() {
    let mut providers = meshplan_provider_builtin::all();
    providers.push(std::sync::Arc::new(meshplan_provider_tls::TlsProvider));
    providers.push(std::sync::Arc::new(meshplan_provider_kubernetes::KubernetesProvider));
    providers.push(std::sync::Arc::new(meshplan_provider_kubernetes::KubectlProvider));
    providers.push(std::sync::Arc::new(meshplan_provider_kubernetes::HelmProvider));
    providers.push(std::sync::Arc::new(meshplan_provider_aws::AwsProvider));
    let code = meshplan_cli::main_with(std::env::args().collect(), Registry::new(providers));
    std::process::exit(code);
}
