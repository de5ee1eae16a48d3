//! The table of builtin functions: name, signature and implementation.
//!
//! The signature is the single source of arity: `name?` is optional, `name...` takes zero or
//! more further arguments. It also names parameters in error messages.

use crate::{
    collection, convert, encoding, file, fileset, format, formatdate, hash, math, network, regex_fns, rsa_fns, set,
    string, time, yaml,
};
use crate::{Env, FunctionError, Value};
use std::sync::OnceLock;

pub(crate) type Implementation = fn(&[Value], &Env) -> Result<Value, FunctionError>;

pub(crate) struct Spec {
    pub name: &'static str,
    pub signature: &'static str,
    pub implementation: Implementation,
}

macro_rules! spec {
    ($name:literal, $signature:literal, $implementation:path) => {
        Spec { name: $name, signature: $signature, implementation: $implementation }
    };
}

static SPECS: &[Spec] = &[
    // strings
    spec!("chomp", "chomp(string)", string::chomp),
    spec!("endswith", "endswith(string, suffix)", string::endswith),
    spec!("format", "format(format, args...)", format::format),
    spec!("formatlist", "formatlist(format, args...)", format::formatlist),
    spec!("indent", "indent(spaces, string)", string::indent),
    spec!("join", "join(separator, lists...)", string::join),
    spec!("lower", "lower(string)", string::lower),
    spec!("regex", "regex(pattern, string)", regex_fns::regex),
    spec!("regexall", "regexall(pattern, string)", regex_fns::regexall),
    spec!("replace", "replace(string, substring, replacement)", string::replace),
    spec!("split", "split(separator, string)", string::split),
    spec!("startswith", "startswith(string, prefix)", string::startswith),
    spec!("strcontains", "strcontains(string, substring)", string::strcontains),
    spec!("strrev", "strrev(string)", string::strrev),
    spec!("substr", "substr(string, offset, length)", string::substr),
    spec!("title", "title(string)", string::title),
    spec!("trim", "trim(string, cutset)", string::trim),
    spec!("trimprefix", "trimprefix(string, prefix)", string::trimprefix),
    spec!("trimspace", "trimspace(string)", string::trimspace),
    spec!("trimsuffix", "trimsuffix(string, suffix)", string::trimsuffix),
    spec!("upper", "upper(string)", string::upper),
    // collections
    spec!("alltrue", "alltrue(list)", collection::alltrue),
    spec!("anytrue", "anytrue(list)", collection::anytrue),
    spec!("chunklist", "chunklist(list, size)", collection::chunklist),
    spec!("coalesce", "coalesce(vals...)", collection::coalesce),
    spec!("coalescelist", "coalescelist(lists...)", collection::coalescelist),
    spec!("compact", "compact(list)", collection::compact),
    spec!("concat", "concat(lists...)", collection::concat),
    spec!("contains", "contains(list, value)", collection::contains),
    spec!("element", "element(list, index)", collection::element),
    spec!("flatten", "flatten(list)", collection::flatten),
    spec!("index", "index(list, value)", collection::index),
    spec!("keys", "keys(map)", collection::keys),
    spec!("length", "length(value)", collection::length),
    spec!("lookup", "lookup(map, key, default?)", collection::lookup),
    spec!("merge", "merge(maps...)", collection::merge),
    spec!("one", "one(list)", collection::one),
    spec!("range", "range(start_or_limit, limit?, step?)", collection::range),
    spec!("reverse", "reverse(list)", collection::reverse),
    spec!("slice", "slice(list, start_index, end_index)", collection::slice),
    spec!("sort", "sort(list)", collection::sort),
    spec!("transpose", "transpose(map)", collection::transpose),
    spec!("values", "values(map)", collection::values),
    spec!("zipmap", "zipmap(keys, values)", collection::zipmap),
    // sets
    spec!("distinct", "distinct(list)", set::distinct),
    spec!("setintersection", "setintersection(first_set, other_sets...)", set::setintersection),
    spec!("setproduct", "setproduct(sets...)", set::setproduct),
    spec!("setsubtract", "setsubtract(a, b)", set::setsubtract),
    spec!("setunion", "setunion(first_set, other_sets...)", set::setunion),
    spec!("matchkeys", "matchkeys(values, keys, searchset)", set::matchkeys),
    spec!("toset", "toset(value)", set::toset),
    // numbers
    spec!("abs", "abs(number)", math::abs),
    spec!("ceil", "ceil(number)", math::ceil),
    spec!("floor", "floor(number)", math::floor),
    spec!("log", "log(number, base)", math::log),
    spec!("max", "max(numbers...)", math::max),
    spec!("min", "min(numbers...)", math::min),
    spec!("parseint", "parseint(string, base)", math::parseint),
    spec!("pow", "pow(base, exponent)", math::pow),
    spec!("signum", "signum(number)", math::signum),
    spec!("sum", "sum(list)", math::sum),
    // type conversions
    spec!("ephemeralasnull", "ephemeralasnull(value)", convert::ephemeralasnull),
    spec!("tobool", "tobool(value)", convert::tobool),
    spec!("tolist", "tolist(value)", convert::tolist),
    spec!("tomap", "tomap(value)", convert::tomap),
    spec!("tonumber", "tonumber(value)", convert::tonumber),
    spec!("tostring", "tostring(value)", convert::tostring),
    // encoding
    spec!("base64decode", "base64decode(string)", encoding::base64decode),
    spec!("base64encode", "base64encode(string)", encoding::base64encode),
    spec!("base64gzip", "base64gzip(string)", encoding::base64gzip),
    spec!("csvdecode", "csvdecode(string)", encoding::csvdecode),
    spec!("jsondecode", "jsondecode(string)", encoding::jsondecode),
    spec!("jsonencode", "jsonencode(value)", encoding::jsonencode),
    spec!("manifest_decode_multi", "manifest_decode_multi(string)", yaml::yamldecode_all),
    spec!("textdecodebase64", "textdecodebase64(source, encoding)", encoding::textdecodebase64),
    spec!("textencodebase64", "textencodebase64(string, encoding)", encoding::textencodebase64),
    spec!("urlencode", "urlencode(string)", encoding::urlencode),
    spec!("yamldecode", "yamldecode(string)", yaml::yamldecode),
    spec!("yamldecode_all", "yamldecode_all(string)", yaml::yamldecode_all),
    spec!("yamlencode", "yamlencode(value)", yaml::yamlencode),
    // hashing
    spec!("base64sha256", "base64sha256(string)", hash::base64sha256),
    spec!("base64sha512", "base64sha512(string)", hash::base64sha512),
    spec!("bcrypt", "bcrypt(string, cost?)", hash::bcrypt),
    spec!("md5", "md5(string)", hash::md5),
    spec!("rsadecrypt", "rsadecrypt(ciphertext, privatekey)", rsa_fns::rsadecrypt),
    spec!("sha1", "sha1(string)", hash::sha1),
    spec!("sha256", "sha256(string)", hash::sha256),
    spec!("sha512", "sha512(string)", hash::sha512),
    spec!("uuid", "uuid()", hash::uuid),
    spec!("uuidv5", "uuidv5(namespace, name)", hash::uuidv5),
    // network
    spec!("cidrhost", "cidrhost(prefix, hostnum)", network::cidrhost),
    spec!("cidrnetmask", "cidrnetmask(prefix)", network::cidrnetmask),
    spec!("cidrsubnet", "cidrsubnet(prefix, newbits, netnum)", network::cidrsubnet),
    spec!("cidrsubnets", "cidrsubnets(prefix, newbits...)", network::cidrsubnets),
    // files
    spec!("abspath", "abspath(path)", file::abspath),
    spec!("basename", "basename(path)", file::basename),
    spec!("dirname", "dirname(path)", file::dirname),
    spec!("file", "file(path)", file::file),
    spec!("filebase64", "filebase64(path)", file::filebase64),
    spec!("filebase64sha256", "filebase64sha256(path)", file::filebase64sha256),
    spec!("filebase64sha512", "filebase64sha512(path)", file::filebase64sha512),
    spec!("fileexists", "fileexists(path)", file::fileexists),
    spec!("filemd5", "filemd5(path)", file::filemd5),
    spec!("fileset", "fileset(path, pattern)", fileset::fileset),
    spec!("filesha1", "filesha1(path)", file::filesha1),
    spec!("filesha256", "filesha256(path)", file::filesha256),
    spec!("filesha512", "filesha512(path)", file::filesha512),
    spec!("pathexpand", "pathexpand(path)", file::pathexpand),
    // time
    spec!("formatdate", "formatdate(spec, timestamp)", formatdate::formatdate),
    spec!("plantimestamp", "plantimestamp()", time::plantimestamp),
    spec!("timeadd", "timeadd(timestamp, duration)", time::timeadd),
    spec!("timecmp", "timecmp(timestamp_a, timestamp_b)", time::timecmp),
    spec!("timestamp", "timestamp()", time::timestamp),
];

pub(crate) fn lookup(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|spec| spec.name == name)
}

pub(crate) fn names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<_> = SPECS.iter().map(|spec| spec.name).collect();
        names.sort_unstable();
        names
    })
}

impl Spec {
    /// The parameter names between the parentheses of the signature.
    fn parameters(&self) -> impl Iterator<Item = &'static str> {
        let inner = self.signature.split_once('(').map_or("", |(_, rest)| rest.trim_end_matches(')'));
        inner.split(',').map(str::trim).filter(|p| !p.is_empty())
    }

    pub(crate) fn check_arity(&self, given: usize) -> Result<(), FunctionError> {
        let required = self.parameters().filter(|p| !p.ends_with('?') && !p.ends_with("...")).count();
        let variadic = self.parameters().any(|p| p.ends_with("..."));
        let maximum = self.parameters().count();
        let expected = match (variadic, required == maximum) {
            (true, _) if given >= required => return Ok(()),
            (true, _) => format!("at least {}", plural(required)),
            (false, true) if given == required => return Ok(()),
            (false, true) => plural(required),
            (false, false) if (required..=maximum).contains(&given) => return Ok(()),
            (false, false) => format!("{required} to {maximum} arguments"),
        };
        Err(FunctionError::new(format!("{} expects {expected} ({}), got {given}", self.name, self.signature)))
    }

    /// Puts the parameter's name into an argument error, as Terraform words it.
    pub(crate) fn name_parameter(&self, error: FunctionError) -> FunctionError {
        let Some(index) = error.arg else { return error };
        let parameters: Vec<_> = self.parameters().collect();
        let Some(parameter) = parameters.get(index).or_else(|| parameters.last().filter(|p| p.ends_with("..."))) else {
            return error;
        };
        let name = parameter.trim_end_matches('?').trim_end_matches("...");
        FunctionError::arg(index, format!("Invalid value for \"{name}\" parameter: {}", error.message))
    }
}

fn plural(count: usize) -> String {
    if count == 1 {
        "1 argument".to_string()
    } else {
        format!("{count} arguments")
    }
}
