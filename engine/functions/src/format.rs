//! `format` and `formatlist`: Terraform's printf (Go's verbs and flags, `%[n]` argument
//! indexes) over language values.

use crate::args::{string, string_value, value_as_number, value_as_string};
use crate::encoding::json_string;
use crate::{Env, FunctionError, Value};
use meshplan_provider::format_number;

type Result<T = Value> = std::result::Result<T, FunctionError>;

pub(crate) fn format(args: &[Value], _: &Env) -> Result {
    let template = string(args, 0)?;
    Ok(string_value(render(&template, &args[1..])?))
}

/// Formats once per element of the list arguments (which must have equal lengths); scalar
/// arguments repeat on every line.
pub(crate) fn formatlist(args: &[Value], _: &Env) -> Result {
    let template = string(args, 0)?;
    let mut rows: Option<(usize, usize)> = None; // (length, argument index that set it)
    for (i, arg) in args.iter().enumerate().skip(1) {
        if let Value::List(items) = arg {
            match rows {
                Some((len, first)) if len != items.len() => {
                    return Err(FunctionError::arg(
                        i,
                        format!(
                            "argument {i} has length {}, which is inconsistent with argument {first} of length {len}",
                            items.len()
                        ),
                    ));
                }
                _ => rows = Some((items.len(), i)),
            }
        }
    }
    let Some((len, _)) = rows else {
        return Ok(Value::List(vec![string_value(render(&template, &args[1..])?)]));
    };
    let lines = (0..len)
        .map(|row| {
            let row_args: Vec<Value> = args[1..]
                .iter()
                .map(|a| match a {
                    Value::List(items) => items[row].clone(),
                    scalar => scalar.clone(),
                })
                .collect();
            render(&template, &row_args).map(string_value)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Value::List(lines))
}

#[derive(Default)]
struct Spec {
    plus: bool,
    minus: bool,
    space: bool,
    zero: bool,
    sharp: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

/// The verb errors name the format argument (0), where the mistake is.
fn verb_error(message: String) -> FunctionError {
    FunctionError::arg(0, message)
}

fn render(template: &str, args: &[Value]) -> Result<String> {
    let mut out = String::new();
    let mut chars = template.char_indices().peekable();
    let mut next_arg = 0usize;
    let mut used = vec![false; args.len()];
    while let Some((start, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&(_, flag)) = chars.peek() {
            match flag {
                '+' => spec.plus = true,
                '-' => spec.minus = true,
                ' ' => spec.space = true,
                '0' => spec.zero = true,
                '#' => spec.sharp = true,
                _ => break,
            }
            chars.next();
        }
        let mut explicit = read_index(&mut chars, start)?;
        spec.width = read_digits(&mut chars);
        if chars.peek().map(|&(_, c)| c) == Some('.') {
            chars.next();
            spec.precision = Some(read_digits(&mut chars).unwrap_or(0));
        }
        explicit = read_index(&mut chars, start)?.or(explicit);
        let Some((_, verb)) = chars.next() else {
            return Err(verb_error(format!("unterminated format verb at offset {start}")));
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        if verb == '*' {
            return Err(verb_error(format!("widths from arguments (at offset {start}) are not supported")));
        }
        let index = explicit.unwrap_or(next_arg);
        let arg = args.get(index).ok_or_else(|| {
            verb_error(format!(
                "not enough arguments for \"%{verb}\" at offset {start}: need index {} but have {} total",
                index + 1,
                args.len()
            ))
        })?;
        used[index] = true;
        next_arg = index + 1;
        let text = format_one(verb, &spec, arg).map_err(|m| {
            FunctionError::arg(index + 1, format!("unsupported value for \"%{verb}\" at offset {start}: {m}"))
        })?;
        out.push_str(&text);
    }
    if let Some(unused) = used.iter().position(|u| !u) {
        return Err(FunctionError::arg(
            unused + 1,
            format!("too many arguments; only {} used by format string", used.iter().filter(|u| **u).count()),
        ));
    }
    Ok(out)
}

fn read_digits(chars: &mut std::iter::Peekable<std::str::CharIndices>) -> Option<usize> {
    let mut value: Option<usize> = None;
    while let Some(&(_, c)) = chars.peek() {
        let Some(d) = c.to_digit(10) else { break };
        // Bounded so `%99999999999d` cannot ask for a gigantic padding.
        value = Some((value.unwrap_or(0) * 10 + d as usize).min(100_000));
        chars.next();
    }
    value
}

/// `[n]` selects argument n (1-based) for this verb; later verbs continue from there.
fn read_index(chars: &mut std::iter::Peekable<std::str::CharIndices>, start: usize) -> Result<Option<usize>> {
    if chars.peek().map(|&(_, c)| c) != Some('[') {
        return Ok(None);
    }
    chars.next();
    let n = read_digits(chars);
    match (chars.next(), n) {
        (Some((_, ']')), Some(n)) if n >= 1 => Ok(Some(n - 1)),
        _ => Err(verb_error(format!("invalid argument index in format verb at offset {start}"))),
    }
}

fn format_one(verb: char, spec: &Spec, arg: &Value) -> std::result::Result<String, String> {
    if arg.is_null() && verb != 'v' {
        return Err("null value cannot be formatted".to_string());
    }
    let body = match verb {
        'v' if spec.sharp => json_string(arg).map_err(|e| e.message)?,
        'v' => match arg {
            Value::Null => "null".to_string(),
            Value::Number(n) => format_number(*n),
            Value::List(_) | Value::Object(_) => json_string(arg).map_err(|e| e.message)?,
            other => text_of(other)?,
        },
        's' => truncate(text_of(arg)?, spec.precision),
        'q' => quote(&truncate(text_of(arg)?, spec.precision)),
        't' => match arg {
            Value::Bool(b) => b.to_string(),
            Value::String(s) if s == "true" || s == "false" => s.clone(),
            other => return Err(format!("bool required, got {}", other.type_name())),
        },
        'd' | 'b' | 'o' | 'x' | 'X' => return Ok(pad_number(integer_text(verb, spec, number_of(arg)?)?, spec)),
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => return Ok(pad_number(float_text(verb, spec, number_of(arg)?), spec)),
        other => return Err(format!("unsupported format verb %{other}")),
    };
    Ok(pad_text(body, spec))
}

fn text_of(arg: &Value) -> std::result::Result<String, String> {
    value_as_string(arg).map(|s| s.into_owned()).ok_or_else(|| format!("string required, got {}", arg.type_name()))
}

fn number_of(arg: &Value) -> std::result::Result<f64, String> {
    value_as_number(arg).ok_or_else(|| format!("number required, got {}", arg.type_name()))
}

fn truncate(text: String, precision: Option<usize>) -> String {
    match precision {
        Some(p) => text.chars().take(p).collect(),
        None => text,
    }
}

/// Go's `%q`: a double-quoted string with Go escapes.
fn quote(text: &str) -> String {
    let mut out = String::new();
    crate::write_quoted(text, &mut out, |c, out| {
        let control = (c as u32) < 0x20 || c == '\u{7f}';
        if control {
            out.push_str(&format!("\\x{:02x}", c as u32));
        }
        control
    });
    out
}

fn sign(negative: bool, spec: &Spec) -> &'static str {
    match (negative, spec.plus, spec.space) {
        (true, _, _) => "-",
        (false, true, _) => "+",
        (false, false, true) => " ",
        _ => "",
    }
}

fn integer_text(verb: char, spec: &Spec, n: f64) -> std::result::Result<(String, String), String> {
    if n.fract() != 0.0 || !n.is_finite() || n.abs() >= 1.7e38 {
        return Err(format!("a whole number is required, got {}", format_number(n)));
    }
    let magnitude = n.abs() as u128;
    let digits = match verb {
        'b' => format!("{magnitude:b}"),
        'o' if spec.sharp => format!("0{magnitude:o}"),
        'o' => format!("{magnitude:o}"),
        'x' if spec.sharp => format!("0x{magnitude:x}"),
        'x' => format!("{magnitude:x}"),
        'X' if spec.sharp => format!("0X{magnitude:X}"),
        'X' => format!("{magnitude:X}"),
        _ => magnitude.to_string(),
    };
    Ok((sign(n < 0.0, spec).to_string(), digits))
}

fn float_text(verb: char, spec: &Spec, n: f64) -> (String, String) {
    let magnitude = n.abs();
    let digits = match verb {
        'e' | 'E' => exponent_form(magnitude, spec.precision.unwrap_or(6)),
        'g' | 'G' => general_form(magnitude, spec.precision),
        _ => format!("{:.*}", spec.precision.unwrap_or(6), magnitude),
    };
    let digits = if verb.is_ascii_uppercase() { digits.to_uppercase() } else { digits };
    (sign(n.is_sign_negative() && n != 0.0, spec).to_string(), digits)
}

/// Go writes exponents with a sign and at least two digits: `1.500000e+03`.
fn exponent_form(magnitude: f64, precision: usize) -> String {
    go_exponent(&format!("{:.*e}", precision.min(100), magnitude))
}

fn go_exponent(rust_form: &str) -> String {
    let (mantissa, exponent) = rust_form.split_once('e').unwrap_or((rust_form, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exponent.abs())
}

/// `%g`: the shortest exact form (or `precision` significant digits), in exponent form when
/// the exponent is below -4 or at least the precision (6 when shortest), as Go decides.
fn general_form(magnitude: f64, precision: Option<usize>) -> String {
    let scientific = match precision {
        Some(p) => format!("{:.*e}", p.clamp(1, 100) - 1, magnitude),
        None => format!("{magnitude:e}"),
    };
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let threshold = precision.map_or(6, |p| p.max(1) as i32);
    // Go drops trailing zeros from %g.
    let mantissa = if mantissa.contains('.') { mantissa.trim_end_matches('0').trim_end_matches('.') } else { mantissa };
    if exponent < -4 || exponent >= threshold {
        return go_exponent(&format!("{mantissa}e{exponent}"));
    }
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if exponent >= 0 {
        let integer_len = exponent as usize + 1;
        if digits.len() <= integer_len {
            format!("{digits}{}", "0".repeat(integer_len - digits.len()))
        } else {
            format!("{}.{}", &digits[..integer_len], &digits[integer_len..])
        }
    } else {
        format!("0.{}{digits}", "0".repeat((-exponent - 1) as usize))
    }
}

/// Pads a signed number; `0` pads between the sign and the digits.
fn pad_number((sign, digits): (String, String), spec: &Spec) -> String {
    let len = sign.chars().count() + digits.chars().count();
    let width = spec.width.unwrap_or(0);
    if width <= len {
        return format!("{sign}{digits}");
    }
    let fill = width - len;
    if spec.minus {
        format!("{sign}{digits}{}", " ".repeat(fill))
    } else if spec.zero {
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{sign}{digits}", " ".repeat(fill))
    }
}

fn pad_text(text: String, spec: &Spec) -> String {
    let len = text.chars().count();
    let width = spec.width.unwrap_or(0);
    if width <= len {
        return text;
    }
    let fill = " ".repeat(width - len);
    if spec.minus {
        format!("{text}{fill}")
    } else {
        format!("{fill}{text}")
    }
}
