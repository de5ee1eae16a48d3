//! CIDR functions for IPv4 and IPv6, with Terraform's results and error wording.
//!
//! Addresses are handled as u128 with a bit width (32 or 128), so one code path serves
//! both families.

use crate::args::{integer, number, string, string_value};
use crate::{Env, FunctionError, Value};
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

type Result<T = Value> = std::result::Result<T, FunctionError>;

struct Prefix {
    network: u128,
    length: u32,
    width: u32,
}

impl Prefix {
    /// Like Go's `net.ParseCIDR`, host bits may be set (`10.1.2.3/16` means `10.1.0.0/16`).
    fn parse(args: &[Value], i: usize) -> Result<Prefix> {
        let text = string(args, i)?;
        let net: IpNet = text.parse().map_err(|_| {
            FunctionError::arg(
                i,
                format!("invalid CIDR expression: {text:?} is not an address prefix like \"10.0.0.0/16\""),
            )
        })?;
        let (address, width) = match net.addr() {
            IpAddr::V4(a) => (u128::from(u32::from(a)), 32),
            IpAddr::V6(a) => (u128::from(a), 128),
        };
        let length = u32::from(net.prefix_len());
        Ok(Prefix { network: address & mask(length, width), length, width })
    }

    fn address(&self, value: u128) -> String {
        match self.width {
            32 => Ipv4Addr::from(value as u32).to_string(),
            _ => Ipv6Addr::from(value).to_string(),
        }
    }
}

fn all_ones(width: u32) -> u128 {
    if width >= 128 {
        u128::MAX
    } else {
        (1u128 << width) - 1
    }
}

/// The network mask of `length` bits within `width` bits.
fn mask(length: u32, width: u32) -> u128 {
    let host_bits = width - length.min(width);
    all_ones(width) & !all_ones(host_bits)
}

/// 2^bits, or None when it does not fit (only for 128 bits).
fn power_of_two(bits: u32) -> Option<u128> {
    1u128.checked_shl(bits)
}

/// The `netnum`th subnet with `newbits` more bits of prefix.
pub(crate) fn cidrsubnet(args: &[Value], _: &Env) -> Result {
    let prefix = Prefix::parse(args, 0)?;
    let newbits = integer(args, 1)?;
    let netnum = number(args, 2)?;
    if newbits < 0 {
        return Err(FunctionError::arg(1, "newbits must not be negative"));
    }
    let new_length = u64::from(prefix.length) + newbits as u64;
    if new_length > u64::from(prefix.width) {
        return Err(FunctionError::arg(
            1,
            format!("insufficient address space to extend prefix of {} by {newbits}", prefix.length),
        ));
    }
    let new_length = new_length as u32;
    let fits = netnum >= 0.0
        && netnum.fract() == 0.0
        && power_of_two(newbits as u32).is_none_or(|limit| (netnum as u128) < limit)
        && netnum < 3.5e38;
    if !fits {
        return Err(FunctionError::arg(
            2,
            format!(
                "prefix extension of {newbits} does not accommodate a subnet numbered {}",
                meshplan_provider::format_number(netnum)
            ),
        ));
    }
    let shift = prefix.width - new_length;
    let subnet = prefix.network | (netnum as u128).checked_shl(shift).unwrap_or(0);
    Ok(string_value(format!("{}/{new_length}", prefix.address(subnet))))
}

/// Consecutive subnets of the given sizes, each aligned after the previous one, as
/// Terraform allocates them.
pub(crate) fn cidrsubnets(args: &[Value], _: &Env) -> Result {
    let prefix = Prefix::parse(args, 0)?;
    let network_end = prefix.network | (!mask(prefix.length, prefix.width) & all_ones(prefix.width));
    let mut next_free = Some(prefix.network);
    let mut out = Vec::new();
    for i in 1..args.len() {
        let newbits = integer(args, i)?;
        if newbits < 1 {
            return Err(FunctionError::arg(i, "must extend prefix by at least one bit"));
        }
        let new_length = u64::from(prefix.length) + newbits as u64;
        if new_length > u64::from(prefix.width) {
            return Err(FunctionError::arg(
                i,
                format!(
                    "would extend prefix to {new_length} bits, which is too long for an IPv{} address",
                    if prefix.width == 32 { 4 } else { 6 }
                ),
            ));
        }
        let size = power_of_two(prefix.width - new_length as u32).unwrap_or(u128::MAX);
        // Align up to the subnet size; running past the end of the address space or the
        // network both mean there is no room left.
        let start = next_free
            .and_then(|free| free.checked_add(size - 1))
            .map(|s| s & !(size - 1))
            .filter(|start| *start <= network_end && start.checked_add(size - 1).is_some_and(|end| end <= network_end));
        let Some(start) = start else {
            let after = out.last().and_then(Value::as_str).unwrap_or("the start of the prefix").to_string();
            return Err(FunctionError::arg(
                i,
                format!(
                    "not enough remaining address space for a subnet with a prefix of {new_length} bits after {after}"
                ),
            ));
        };
        out.push(string_value(format!("{}/{new_length}", prefix.address(start))));
        next_free = start.checked_add(size);
    }
    Ok(Value::List(out))
}

/// The `hostnum`th address in the prefix; negative numbers count back from the end.
pub(crate) fn cidrhost(args: &[Value], _: &Env) -> Result {
    let prefix = Prefix::parse(args, 0)?;
    let hostnum = number(args, 1)?;
    let host_bits = prefix.width - prefix.length;
    let capacity = power_of_two(host_bits);
    let out_of_range = || {
        FunctionError::arg(
            1,
            format!(
                "prefix of {} does not accommodate a host numbered {}",
                prefix.length,
                meshplan_provider::format_number(hostnum)
            ),
        )
    };
    if hostnum.fract() != 0.0 || !hostnum.is_finite() || hostnum.abs() >= 3.4e38 {
        return Err(out_of_range());
    }
    let offset = if hostnum >= 0.0 {
        let n = hostnum as u128;
        if capacity.is_some_and(|c| n >= c) {
            return Err(out_of_range());
        }
        n
    } else {
        let back = (-hostnum) as u128;
        match capacity {
            Some(c) if back > c => return Err(out_of_range()),
            Some(c) => c - back,
            None => u128::MAX - (back - 1),
        }
    };
    Ok(string_value(prefix.address(prefix.network | offset)))
}

/// The dotted netmask of an IPv4 prefix (IPv6 has no netmask notation).
pub(crate) fn cidrnetmask(args: &[Value], _: &Env) -> Result {
    let prefix = Prefix::parse(args, 0)?;
    if prefix.width != 32 {
        return Err(FunctionError::arg(0, "IPv6 addresses cannot have a netmask"));
    }
    Ok(string_value(prefix.address(mask(prefix.length, 32))))
}
