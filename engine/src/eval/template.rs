//! String templates (`"a-${b}"`, heredocs, `%{ if }`/`%{ for }`), function calls, and
//! `templatefile` / `templatestring`, which need both.

use super::expr::Evaluator;
use super::{EvalEnv, Lookup, Scope};
use crate::diag::Diagnostic;
use hcl_edit::expr::{Expression, FuncCall};
use hcl_edit::template::{Directive, Element, Strip, Template};
use meshplan_provider::{format_number, Value};
use std::path::Path;

type R = Result<Value, Diagnostic>;

#[derive(Default)]
struct Out {
    text: String,
    unknown: bool,
    sensitive: bool,
    /// Strip leading whitespace of the next literal (a `~}` just closed).
    trim_next: bool,
}

impl Out {
    fn literal(&mut self, s: &str) {
        if self.trim_next {
            self.text.push_str(s.trim_start());
            self.trim_next = false;
        } else {
            self.text.push_str(s);
        }
    }
    fn strip(&mut self, strip: Strip) {
        if matches!(strip, Strip::Start | Strip::Both) {
            let n = self.text.trim_end().len();
            self.text.truncate(n);
        }
    }
    fn strip_after(&mut self, strip: Strip) {
        if matches!(strip, Strip::End | Strip::Both) {
            self.trim_next = true;
        }
    }
}

pub(super) fn eval_template(ev: &Evaluator<'_, '_>, t: &Template, allow_passthrough: bool) -> R {
    // "${x}" alone yields x itself, not its string form (as in Terraform).
    if allow_passthrough && t.len() == 1 {
        if let Some(Element::Interpolation(i)) = t.get(0) {
            return ev.expr(&i.expr);
        }
    }
    let mut out = Out::default();
    render(ev, t, &mut out)?;
    if out.unknown {
        return Ok(Value::Unknown);
    }
    let v = Value::String(out.text);
    Ok(if out.sensitive { v.mark_sensitive() } else { v })
}

fn render(ev: &Evaluator<'_, '_>, t: &Template, out: &mut Out) -> Result<(), Diagnostic> {
    for el in t.iter() {
        match el {
            Element::Literal(l) => out.literal(l.as_str()),
            Element::Interpolation(i) => {
                out.strip(i.strip);
                let v = ev.expr(&i.expr)?;
                append(ev, &i.expr, v, out)?;
                out.strip_after(i.strip);
            }
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    out.strip(d.if_expr.strip);
                    let c = ev.expr(&d.if_expr.cond_expr)?;
                    out.sensitive |= c.contains_sensitive();
                    let branch = match c.unmarked() {
                        Value::Unknown => {
                            out.unknown = true;
                            None
                        }
                        Value::Bool(true) => Some((&d.if_expr.template, d.if_expr.strip)),
                        Value::Bool(false) => d.else_expr.as_ref().map(|e| (&e.template, e.strip)),
                        other => {
                            return Err(Diagnostic::error(format!(
                                "the %{{ if }} condition must be a bool, got {}",
                                other.type_name()
                            ))
                            .at(ev.span(&d.if_expr.cond_expr)))
                        }
                    };
                    if let Some((tpl, strip)) = branch {
                        out.strip_after(strip);
                        render(ev, tpl, out)?;
                    }
                    out.strip(d.endif_expr.strip);
                    out.strip_after(d.endif_expr.strip);
                }
                Directive::For(d) => {
                    out.strip(d.for_expr.strip);
                    let coll = ev.expr(&d.for_expr.collection_expr)?;
                    out.sensitive |= coll.contains_sensitive();
                    let items: Vec<(Value, Value)> = match coll.unmarked() {
                        Value::Unknown => {
                            out.unknown = true;
                            vec![]
                        }
                        Value::List(l) => {
                            l.into_iter().enumerate().map(|(i, v)| (Value::Number(i as f64), v)).collect()
                        }
                        Value::Object(m) => m.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
                        Value::Null => vec![],
                        other => {
                            return Err(Diagnostic::error(format!(
                                "%{{ for }} needs a list or map, got {}",
                                other.type_name()
                            ))
                            .at(ev.span(&d.for_expr.collection_expr)))
                        }
                    };
                    for (k, v) in items {
                        let mut s = ev.scope.with_local(d.for_expr.value_var.as_str(), v);
                        if let Some(kv) = &d.for_expr.key_var {
                            s = s.with_local(kv.as_str(), k);
                        }
                        out.strip_after(d.for_expr.strip);
                        render(&ev.with_scope(&s), &d.for_expr.template, out)?;
                        out.strip(d.endfor_expr.strip);
                    }
                    out.strip_after(d.endfor_expr.strip);
                }
            },
        }
    }
    Ok(())
}

fn append(ev: &Evaluator<'_, '_>, at: &Expression, v: Value, out: &mut Out) -> Result<(), Diagnostic> {
    out.sensitive |= v.contains_sensitive();
    match v.unmarked() {
        Value::String(s) => out.text.push_str(&s),
        Value::Number(n) => out.text.push_str(&format_number(n)),
        Value::Bool(b) => out.text.push_str(&b.to_string()),
        Value::Unknown => out.unknown = true,
        Value::Null => {
            return Err(Diagnostic::error("cannot interpolate a null value")
                .at(ev.span(at))
                .hint("use coalesce(x, \"\") or a conditional to supply a default"))
        }
        other => {
            return Err(Diagnostic::error(format!("cannot interpolate a {} into a string", other.type_name()))
                .at(ev.span(at))
                .hint("use jsonencode(...) or join(\",\", ...) to turn it into a string"))
        }
    }
    Ok(())
}

pub(super) fn call_function(ev: &Evaluator<'_, '_>, f: &FuncCall) -> R {
    let name = f.name.name.as_str();
    let namespace: Vec<&str> = f.name.namespace.iter().map(|n| n.as_str()).collect();
    let full = if namespace.is_empty() { name.to_string() } else { format!("{}::{name}", namespace.join("::")) };
    let span = ev.span(f);
    match full.as_str() {
        "try" => {
            let mut last = None;
            for a in f.args.iter() {
                match ev.expr(a) {
                    Ok(v) => return Ok(v),
                    Err(e) => last = Some(e),
                }
            }
            return Err(last.unwrap_or_else(|| Diagnostic::error("try() needs at least one argument").at(span)));
        }
        "can" => {
            let Some(a) = f.args.get(0) else { return Err(Diagnostic::error("can() needs one argument").at(span)) };
            return Ok(match ev.expr(a) {
                Ok(v) if v.is_unknown() => Value::Unknown,
                Ok(_) => Value::Bool(true),
                Err(_) => Value::Bool(false),
            });
        }
        _ => {}
    }
    let mut args = Vec::with_capacity(f.args.len());
    for a in f.args.iter() {
        args.push(ev.expr(a)?);
    }
    if f.args.expand_final() {
        match args.pop().map(|v| v.unmarked()) {
            Some(Value::List(l)) => args.extend(l),
            Some(Value::Unknown) => return Ok(Value::Unknown),
            _ => return Err(Diagnostic::error("the final argument with `...` must be a list").at(span)),
        }
    }
    // Marks are the evaluator's business, not the function library's (which re-marks results).
    match (full.as_str(), args.as_slice()) {
        ("sensitive", [v]) => return Ok(v.clone().mark_sensitive()),
        ("nonsensitive", [v]) => return Ok(v.unmarked()),
        ("issensitive", [v]) => return Ok(Value::Bool(v.contains_sensitive())),
        ("sensitive" | "nonsensitive" | "issensitive", _) => {
            return Err(Diagnostic::error(format!("{full}() takes exactly one argument")).at(span))
        }
        _ => {}
    }
    if full == "templatefile" {
        return templatefile(ev, args).map_err(|d| d.at(span));
    }
    if full == "templatestring" {
        return templatestring(ev, f, args).map_err(|d| d.at(span));
    }
    if let Some(result) = super::tfvars::call(&full, &args) {
        return result.map_err(|d| d.at(span));
    }
    if let Some(func) = ev.scope.env.functions.get(&full).or_else(|| ev.scope.env.functions.get(name)) {
        if !meshplan_functions::exists(&full) {
            return call_marked(&args, |bare| (func.call)(bare))
                .map_err(|m| fn_error(&full, func.signature, redact(m, &args), f, ev));
        }
    }
    let env = meshplan_functions::Env {
        base_dir: &ev.scope.module_dir,
        plan_timestamp: &ev.scope.env.plan_timestamp,
        timestamp_known: ev.scope.env.timestamp_known,
    };
    if !meshplan_functions::exists(&full) {
        let mut names: Vec<&str> = meshplan_functions::names().to_vec();
        names.extend(EVALUATOR_FUNCTIONS);
        names.extend(super::tfvars::NAMES);
        names.extend(ev.scope.env.functions.keys().map(String::as_str));
        return Err(Diagnostic::error(format!("unknown function `{full}`"))
            .at(span)
            .maybe_hint(crate::diag::did_you_mean(&full, names)));
    }
    meshplan_functions::call(&full, &args, &env).map_err(|e| fn_error(&full, "", redact(e, &args), f, ev))
}

/// Calls a provider function: unknown in → unknown out; sensitive in → sensitive out.
fn call_marked(
    args: &[Value],
    call: impl Fn(&[Value]) -> Result<Value, meshplan_provider::FunctionError>,
) -> Result<Value, meshplan_provider::FunctionError> {
    if args.iter().any(|a| !a.is_wholly_known()) {
        return Ok(Value::Unknown);
    }
    let sensitive = args.iter().any(Value::contains_sensitive);
    let bare: Vec<Value> = args.iter().map(Value::unmarked).collect();
    let v = call(&bare)?;
    Ok(if sensitive { v.mark_sensitive() } else { v })
}

/// A function error never shows a sensitive argument: its text (quoted or bare, as in a path
/// built from it) becomes `(sensitive value)`; a secret too short to search for safely hides
/// the whole detail.
fn redact(mut e: meshplan_provider::FunctionError, args: &[Value]) -> meshplan_provider::FunctionError {
    let mut secrets = Vec::new();
    for a in args {
        crate::eval::sensitive_texts(a, false, &mut secrets);
    }
    if secrets.is_empty() {
        return e;
    }
    if secrets.iter().any(|s| s.chars().count() < 3) {
        e.message = "an argument is sensitive, so the details of this error are not shown".into();
        return e;
    }
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for s in &secrets {
        e.message = e.message.replace(&format!("{s:?}"), "(sensitive value)").replace(s.as_str(), "(sensitive value)");
    }
    e
}

fn fn_error(
    name: &str,
    signature: &str,
    e: meshplan_provider::FunctionError,
    f: &FuncCall,
    ev: &Evaluator<'_, '_>,
) -> Diagnostic {
    let at = e.arg.and_then(|i| f.args.get(i)).and_then(|a| ev.span(a)).or_else(|| ev.span(f));
    let d =
        Diagnostic::error(format!("error in function call {name}(): {}", e.message)).at(at).label(e.message.clone());
    if signature.is_empty() {
        d
    } else {
        d.hint(format!("usage: {signature}"))
    }
}

fn templatefile(ev: &Evaluator<'_, '_>, args: Vec<Value>) -> R {
    if args.len() != 2 {
        return Err(Diagnostic::error("templatefile expects 2 arguments (templatefile(path, vars))"));
    }
    // A path computed from something unknown until apply (validate sees every variable
    // that way) leaves the result unknown, as in Terraform.
    if !args[0].is_wholly_known() || !args[1].is_wholly_known() {
        return Ok(Value::Unknown);
    }
    let (Some(path), vars) = (args[0].as_str(), &args[1]) else {
        return Err(Diagnostic::error("templatefile: the path must be a string"));
    };
    let p = ev.scope.module_dir.join(path);
    render_template_file(&p, vars, ev.scope.lookup, ev.scope.env)
}

/// Renders a template file with `vars` as its only names (templatefile semantics).
pub fn render_template_file(path: &Path, vars: &Value, lookup: &dyn Lookup, env: &EvalEnv) -> R {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error(format!("templatefile: cannot read {}", path.display())).detail(e.to_string())
    })?;
    let base_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    render_template_text(&text, &format!("template {}", path.display()), "templatefile", base_dir, vars, lookup, env)
}

/// Functions the evaluator implements itself (they need lazy arguments, marks or the
/// template parser); listed so a misspelling of one still gets a did-you-mean hint.
const EVALUATOR_FUNCTIONS: [&str; 7] =
    ["can", "issensitive", "nonsensitive", "sensitive", "templatefile", "templatestring", "try"];

/// `templatestring(ref, vars)`: renders a string from elsewhere in the module (a data
/// source's body, a local) as a template, with `vars` as its only names. As in Terraform,
/// the first argument must not be a string literal: that would already have been rendered
/// once as a template, with the module's names, before this call saw it.
fn templatestring(ev: &Evaluator<'_, '_>, f: &FuncCall, args: Vec<Value>) -> R {
    if args.len() != 2 {
        return Err(Diagnostic::error("templatestring expects 2 arguments (templatestring(ref, vars))"));
    }
    if let Some(Expression::String(_) | Expression::StringTemplate(_) | Expression::HeredocTemplate(_)) = f.args.get(0)
    {
        return Err(Diagnostic::error(
            "templatestring: the template must be a reference to a string defined elsewhere, not a literal",
        )
        .hint("write the template directly as a string expression instead of calling templatestring"));
    }
    let (template, vars) = (&args[0], &args[1]);
    if !template.is_wholly_known() || !vars.is_wholly_known() {
        return Ok(Value::Unknown);
    }
    let Value::String(text) = template.unmarked() else {
        return Err(Diagnostic::error(format!(
            "templatestring: the template must be a string, got {}",
            template.type_name()
        )));
    };
    // Only a mark on vars itself is peeled off here; marks on its members travel into the
    // template's names and so mark what they touch.
    if vars.peel().as_object().is_none() {
        return Err(Diagnostic::error(format!(
            "templatestring: vars must be a map or object, got {}",
            vars.type_name()
        )));
    }
    let module_dir = ev.scope.module_dir.clone();
    let rendered = render_template_text(
        &text,
        "the template string",
        "templatestring",
        module_dir,
        vars.peel(),
        ev.scope.lookup,
        ev.scope.env,
    )?;
    // A secret template (or a wholly secret vars object) makes the whole result secret.
    Ok(if template.contains_sensitive() || vars.is_sensitive() { rendered.mark_sensitive() } else { rendered })
}

/// Parses and renders template text with `vars` as its only names; `origin` names the
/// text in diagnostics, `function` the caller.
fn render_template_text(
    text: &str,
    origin: &str,
    function: &str,
    base_dir: std::path::PathBuf,
    vars: &Value,
    lookup: &dyn Lookup,
    env: &EvalEnv,
) -> R {
    let tpl = hcl_edit::parser::parse_template(text)
        .map_err(|e| Diagnostic::error(format!("{function}: invalid {origin}")).detail(e.message().to_string()))?;
    let mut scope = Scope::new(lookup, env, base_dir);
    if let Some(m) = vars.as_object() {
        for (k, v) in m {
            scope.locals.push((k.clone(), v.clone()));
        }
    }
    // Spans inside the template do not belong to a loaded source; report without one.
    let ev = Evaluator { file: u32::MAX, scope: &scope };
    eval_template(&ev, &tpl, false).map_err(|mut d| {
        d.span = None;
        d.detail = Some(format!("in {origin}"));
        d
    })
}

/// `<<-` heredocs: hcl-edit dedents the heredoc's top-level text by `indent` columns but not
/// the text inside `%{ }` directives; this removes up to `indent` leading spaces from every
/// line of those nested literals, so loops and conditionals line up with the rest.
pub(super) fn dedent_directives(t: &mut Template, indent: usize) {
    for el in t.iter_mut() {
        if let Element::Directive(d) = el {
            match d.as_mut() {
                Directive::If(i) => {
                    dedent_all(&mut i.if_expr.template, indent);
                    if let Some(e) = &mut i.else_expr {
                        dedent_all(&mut e.template, indent);
                    }
                }
                Directive::For(f) => dedent_all(&mut f.for_expr.template, indent),
            }
        }
    }
}

fn dedent_all(t: &mut Template, indent: usize) {
    for el in t.iter_mut() {
        if let Element::Literal(l) = el {
            let s: &mut String = l;
            let parts: Vec<String> = s
                .split('\n')
                .enumerate()
                .map(|(i, line)| {
                    if i == 0 {
                        return line.to_string();
                    }
                    let n = (line.len() - line.trim_start_matches(' ').len()).min(indent);
                    line[n..].to_string()
                })
                .collect();
            *s = parts.join("\n");
        }
    }
    dedent_directives(t, indent);
}
