//! `aws_ec2_instance_type_offerings` (which instance types are offered where) and
//! `aws_ec2_instance_type` (one type's hardware), as the eks module reads them.

use super::network::{filter_block, filters};
use crate::api::Api;
use crate::values::list_value;
use aws_sdk_ec2::types::LocationType;
use meshplan_provider::{async_trait, Attribute, Block, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct InstanceTypeOfferings;

#[async_trait]
impl DataSource for InstanceTypeOfferings {
    fn type_name(&self) -> &'static str {
        "aws_ec2_instance_type_offerings"
    }

    fn schema(&self) -> Schema {
        let list = || Attribute::computed(Type::list(Type::String));
        Schema::new()
            .attr("id", Attribute::optional_computed(Type::String))
            .attr("location_type", Attribute::optional(Type::String))
            .attr("instance_types", list())
            .attr("location_types", list())
            .attr("locations", list())
            .block("filter", filter_block())
            .block("timeouts", Block::single(Schema::new().attr("read", Attribute::optional(Type::String))))
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let fs = filters(config);
        let (mut types, mut location_types, mut locations) = (vec![], vec![], vec![]);
        let mut next: Option<String> = None;
        loop {
            let req = api
                .ec2
                .describe_instance_type_offerings()
                .set_location_type(config.get_str("location_type").map(LocationType::from))
                .set_filters((!fs.is_empty()).then(|| fs.clone()))
                .set_next_token(next.clone());
            let out = api.call("DescribeInstanceTypeOfferings", || req.clone().send()).await?;
            // One entry per offering, in AWS's order: the three lists line up, as in Terraform.
            for o in out.instance_type_offerings() {
                types.push(o.instance_type().map(|t| t.as_str().to_string()).unwrap_or_default());
                location_types.push(o.location_type().map(|t| t.as_str().to_string()).unwrap_or_default());
                locations.push(o.location().unwrap_or_default().to_string());
            }
            next = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
            if next.is_none() {
                break;
            }
        }
        let mut s = config.clone();
        s.set("id", Value::from(api.region.as_str()));
        s.set("instance_types", list_value(types));
        s.set("location_types", list_value(location_types));
        s.set("locations", list_value(locations));
        Ok(s)
    }
}

/// `aws_ec2_instance_type`: one instance type's hardware (the eks module reads EFA support
/// and interface counts with it).
pub struct InstanceType;

fn device_type(fields: &[(&str, Type)]) -> Type {
    Type::set(Type::Object(fields.iter().map(|(k, t)| (k.to_string(), t.clone())).collect()))
}

fn num<N: Into<f64>>(x: Option<N>) -> Value {
    x.map(|n| Value::Number(n.into())).unwrap_or(Value::Null)
}

fn flag(x: Option<bool>) -> Value {
    x.map(Value::from).unwrap_or(Value::Null)
}

fn name<E: AsRef<str>>(x: Option<&E>) -> Value {
    x.map(|e| Value::from(e.as_ref())).unwrap_or(Value::Null)
}

/// `{count, manufacturer, memory_size, name}`: GPUs, FPGAs, inference and media accelerators.
fn device(count: Option<i32>, manufacturer: Option<&str>, memory: Option<i32>, name: Option<&str>) -> Value {
    Value::object([
        ("count", num(count)),
        ("manufacturer", crate::values::opt_str(manufacturer)),
        ("memory_size", num(memory)),
        ("name", crate::values::opt_str(name)),
    ])
}

const NUMBERS: &[&str] = &[
    "default_cores",
    "default_network_card_index",
    "default_threads_per_core",
    "default_vcpus",
    "ebs_performance_baseline_bandwidth",
    "ebs_performance_baseline_iops",
    "ebs_performance_baseline_throughput",
    "ebs_performance_maximum_bandwidth",
    "ebs_performance_maximum_iops",
    "ebs_performance_maximum_throughput",
    "efa_maximum_interfaces",
    "maximum_ipv4_addresses_per_interface",
    "maximum_ipv6_addresses_per_interface",
    "maximum_network_cards",
    "maximum_network_interfaces",
    "memory_size",
    "sustained_clock_speed",
    "total_fpga_memory",
    "total_gpu_memory",
    "total_inference_memory",
    "total_instance_storage",
    "total_media_memory",
    "total_neuron_device_memory",
];
const BOOLS: &[&str] = &[
    "auto_recovery_supported",
    "bare_metal",
    "burstable_performance_supported",
    "current_generation",
    "dedicated_hosts_supported",
    "efa_supported",
    "ena_srd_supported",
    "encryption_in_transit_supported",
    "free_tier_eligible",
    "hibernation_supported",
    "instance_storage_supported",
    "ipv6_supported",
];
const STRINGS: &[&str] = &[
    "ebs_encryption_support",
    "ebs_nvme_support",
    "ebs_optimized_support",
    "ena_support",
    "hypervisor",
    "network_performance",
    "nitro_enclaves_support",
    "nitro_tpm_support",
    "phc_support",
];

#[async_trait]
impl DataSource for InstanceType {
    fn type_name(&self) -> &'static str {
        "aws_ec2_instance_type"
    }

    fn schema(&self) -> Schema {
        use Type::{Number as N, String as S};
        let c = Attribute::computed;
        let mut schema = Schema::new()
            .attr("id", Attribute::optional_computed(S))
            .attr("instance_type", Attribute::required(S))
            .block("timeouts", Block::single(Schema::new().attr("read", Attribute::optional(S))));
        for k in NUMBERS {
            schema = schema.attr(k, c(N));
        }
        for k in BOOLS {
            schema = schema.attr(k, c(Type::Bool));
        }
        for k in STRINGS {
            schema = schema.attr(k, c(S));
        }
        for k in ["bandwidth_weightings", "boot_modes", "nitro_tpm_supported_versions", "supported_cpu_features"] {
            schema = schema.attr(k, c(Type::set(S)));
        }
        for k in [
            "supported_architectures",
            "supported_placement_strategies",
            "supported_root_device_types",
            "supported_usages_classes",
            "supported_virtualization_types",
        ] {
            schema = schema.attr(k, c(Type::list(S)));
        }
        for k in ["valid_cores", "valid_threads_per_core"] {
            schema = schema.attr(k, c(Type::list(N)));
        }
        let dev = device_type(&[("count", N), ("manufacturer", S), ("memory_size", N), ("name", S)]);
        for k in ["fpgas", "gpus", "inference_accelerators", "media_accelerators"] {
            schema = schema.attr(k, c(dev.clone()));
        }
        schema
            .attr("instance_disks", c(device_type(&[("count", N), ("size", N), ("type", S)])))
            .attr(
                "network_cards",
                c(device_type(&[
                    ("baseline_bandwidth", N),
                    ("index", N),
                    ("maximum_interfaces", N),
                    ("peak_bandwidth", N),
                    ("performance", S),
                ])),
            )
            .attr(
                "neuron_devices",
                c(device_type(&[
                    ("core_count", N),
                    ("core_version", N),
                    ("count", N),
                    ("memory_size", N),
                    ("name", S),
                ])),
            )
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let wanted = config.get_str("instance_type").unwrap_or_default();
        let req = api.ec2.describe_instance_types().instance_types(aws_sdk_ec2::types::InstanceType::from(wanted));
        let out = api.call("DescribeInstanceTypes", || req.clone().send()).await?;
        let Some(t) = out.instance_types().first() else {
            let message = format!("no instance type {wanted:?} in {}", api.region);
            return Err(
                crate::error::AwsError::Invalid { address: ctx.address.clone(), message, attribute: None }.into()
            );
        };
        let mut s = config.clone();
        s.set("id", Value::from(wanted));
        let (cpu, net, ebs) = (t.v_cpu_info(), t.network_info(), t.ebs_info());
        let opt = ebs.and_then(|e| e.ebs_optimized_info());
        let storage = t.instance_storage_info();
        let numbers = [
            ("default_cores", num(cpu.and_then(|c| c.default_cores()))),
            ("default_network_card_index", num(net.and_then(|n| n.default_network_card_index()))),
            ("default_threads_per_core", num(cpu.and_then(|c| c.default_threads_per_core()))),
            ("default_vcpus", num(cpu.and_then(|c| c.default_v_cpus()))),
            ("ebs_performance_baseline_bandwidth", num(opt.and_then(|o| o.baseline_bandwidth_in_mbps()))),
            ("ebs_performance_baseline_iops", num(opt.and_then(|o| o.baseline_iops()))),
            ("ebs_performance_baseline_throughput", num(opt.and_then(|o| o.baseline_throughput_in_m_bps()))),
            ("ebs_performance_maximum_bandwidth", num(opt.and_then(|o| o.maximum_bandwidth_in_mbps()))),
            ("ebs_performance_maximum_iops", num(opt.and_then(|o| o.maximum_iops()))),
            ("ebs_performance_maximum_throughput", num(opt.and_then(|o| o.maximum_throughput_in_m_bps()))),
            ("efa_maximum_interfaces", num(net.and_then(|n| n.efa_info()).and_then(|e| e.maximum_efa_interfaces()))),
            ("maximum_ipv4_addresses_per_interface", num(net.and_then(|n| n.ipv4_addresses_per_interface()))),
            ("maximum_ipv6_addresses_per_interface", num(net.and_then(|n| n.ipv6_addresses_per_interface()))),
            ("maximum_network_cards", num(net.and_then(|n| n.maximum_network_cards()))),
            ("maximum_network_interfaces", num(net.and_then(|n| n.maximum_network_interfaces()))),
            ("memory_size", num(t.memory_info().and_then(|m| m.size_in_mib()).map(|m| m as f64))),
            ("sustained_clock_speed", num(t.processor_info().and_then(|p| p.sustained_clock_speed_in_ghz()))),
            ("total_fpga_memory", num(t.fpga_info().and_then(|f| f.total_fpga_memory_in_mib()))),
            ("total_gpu_memory", num(t.gpu_info().and_then(|g| g.total_gpu_memory_in_mib()))),
            (
                "total_inference_memory",
                num(t.inference_accelerator_info().and_then(|i| i.total_inference_memory_in_mib())),
            ),
            ("total_instance_storage", num(storage.and_then(|s| s.total_size_in_gb()).map(|g| g as f64))),
            ("total_media_memory", num(t.media_accelerator_info().and_then(|m| m.total_media_memory_in_mib()))),
            ("total_neuron_device_memory", num(t.neuron_info().and_then(|n| n.total_neuron_device_memory_in_mib()))),
        ];
        let bools = [
            ("auto_recovery_supported", flag(t.auto_recovery_supported())),
            ("bare_metal", flag(t.bare_metal())),
            ("burstable_performance_supported", flag(t.burstable_performance_supported())),
            ("current_generation", flag(t.current_generation())),
            ("dedicated_hosts_supported", flag(t.dedicated_hosts_supported())),
            ("efa_supported", flag(net.and_then(|n| n.efa_supported()))),
            ("ena_srd_supported", flag(net.and_then(|n| n.ena_srd_supported()))),
            ("encryption_in_transit_supported", flag(net.and_then(|n| n.encryption_in_transit_supported()))),
            ("free_tier_eligible", flag(t.free_tier_eligible())),
            ("hibernation_supported", flag(t.hibernation_supported())),
            ("instance_storage_supported", flag(t.instance_storage_supported())),
            ("ipv6_supported", flag(net.and_then(|n| n.ipv6_supported()))),
        ];
        let strings = [
            ("ebs_encryption_support", name(ebs.and_then(|e| e.encryption_support()))),
            ("ebs_nvme_support", name(ebs.and_then(|e| e.nvme_support()))),
            ("ebs_optimized_support", name(ebs.and_then(|e| e.ebs_optimized_support()))),
            ("ena_support", name(net.and_then(|n| n.ena_support()))),
            ("hypervisor", name(t.hypervisor())),
            ("network_performance", crate::values::opt_str(net.and_then(|n| n.network_performance()))),
            ("nitro_enclaves_support", name(t.nitro_enclaves_support())),
            ("nitro_tpm_support", name(t.nitro_tpm_support())),
            ("phc_support", name(t.phc_support())),
        ];
        for (k, v) in numbers.into_iter().chain(bools).chain(strings) {
            s.set(k, v);
        }
        let names = |xs: Vec<&str>| list_value(xs);
        s.set(
            "bandwidth_weightings",
            names(net.map(|n| n.bandwidth_weightings().iter().map(|b| b.as_str()).collect()).unwrap_or_default()),
        );
        s.set("boot_modes", names(t.supported_boot_modes().iter().map(|b| b.as_str()).collect()));
        s.set(
            "nitro_tpm_supported_versions",
            list_value(t.nitro_tpm_info().map(|n| n.supported_versions().to_vec()).unwrap_or_default()),
        );
        let cpu_features = t.processor_info().map(|p| p.supported_features().iter().map(|f| f.as_str()).collect());
        s.set("supported_cpu_features", names(cpu_features.unwrap_or_default()));
        let arch = t.processor_info().map(|p| p.supported_architectures().iter().map(|a| a.as_str()).collect());
        s.set("supported_architectures", names(arch.unwrap_or_default()));
        let strategies =
            t.placement_group_info().map(|p| p.supported_strategies().iter().map(|x| x.as_str()).collect());
        s.set("supported_placement_strategies", names(strategies.unwrap_or_default()));
        s.set(
            "supported_root_device_types",
            names(t.supported_root_device_types().iter().map(|x| x.as_str()).collect()),
        );
        s.set("supported_usages_classes", names(t.supported_usage_classes().iter().map(|x| x.as_str()).collect()));
        s.set(
            "supported_virtualization_types",
            names(t.supported_virtualization_types().iter().map(|x| x.as_str()).collect()),
        );
        let ints = |xs: &[i32]| Value::List(xs.iter().map(|n| Value::from(i64::from(*n))).collect());
        s.set("valid_cores", ints(cpu.map(|c| c.valid_cores()).unwrap_or_default()));
        s.set("valid_threads_per_core", ints(cpu.map(|c| c.valid_threads_per_core()).unwrap_or_default()));
        let gpus = t
            .gpu_info()
            .map(|g| g.gpus())
            .unwrap_or_default()
            .iter()
            .map(|d| device(d.count(), d.manufacturer(), d.memory_info().and_then(|m| m.size_in_mib()), d.name()));
        s.set("gpus", Value::List(gpus.collect()));
        let fpgas = t
            .fpga_info()
            .map(|g| g.fpgas())
            .unwrap_or_default()
            .iter()
            .map(|d| device(d.count(), d.manufacturer(), d.memory_info().and_then(|m| m.size_in_mib()), d.name()));
        s.set("fpgas", Value::List(fpgas.collect()));
        let inference = t
            .inference_accelerator_info()
            .map(|g| g.accelerators())
            .unwrap_or_default()
            .iter()
            .map(|d| device(d.count(), d.manufacturer(), d.memory_info().and_then(|m| m.size_in_mib()), d.name()));
        s.set("inference_accelerators", Value::List(inference.collect()));
        let media = t
            .media_accelerator_info()
            .map(|g| g.accelerators())
            .unwrap_or_default()
            .iter()
            .map(|d| device(d.count(), d.manufacturer(), d.memory_info().and_then(|m| m.size_in_mib()), d.name()));
        s.set("media_accelerators", Value::List(media.collect()));
        let neuron = t.neuron_info().map(|n| n.neuron_devices()).unwrap_or_default().iter().map(|d| {
            Value::object([
                ("core_count", num(d.core_info().and_then(|c| c.count()))),
                ("core_version", num(d.core_info().and_then(|c| c.version()))),
                ("count", num(d.count())),
                ("memory_size", num(d.memory_info().and_then(|m| m.size_in_mib()))),
                ("name", crate::values::opt_str(d.name())),
            ])
        });
        s.set("neuron_devices", Value::List(neuron.collect()));
        let disks = storage.map(|s| s.disks()).unwrap_or_default().iter().map(|d| {
            Value::object([
                ("count", num(d.count())),
                ("size", num(d.size_in_gb().map(|g| g as f64))),
                ("type", name(d.r#type())),
            ])
        });
        s.set("instance_disks", Value::List(disks.collect()));
        let cards = net.map(|n| n.network_cards()).unwrap_or_default().iter().map(|c| {
            Value::object([
                ("baseline_bandwidth", num(c.baseline_bandwidth_in_gbps())),
                ("index", num(c.network_card_index())),
                ("maximum_interfaces", num(c.maximum_network_interfaces())),
                ("peak_bandwidth", num(c.peak_bandwidth_in_gbps())),
                ("performance", crate::values::opt_str(c.network_performance())),
            ])
        });
        s.set("network_cards", Value::List(cards.collect()));
        Ok(s)
    }
}
