use crate::{assert_errors, assert_results, json, run};
use meshplan_functions::Value;

#[test]
fn json_encoding_matches_terraform() {
    assert_results(&[
        ("jsonencode", r#"[{"b": 1, "a": "<x>"}]"#, r#""{\"a\":\"\\u003cx\\u003e\",\"b\":1}""#),
        (
            "jsonencode",
            r#"[[1.5, 2, 1e21, 0.1, -0.5, true, null, "a&b\n\u2028"]]"#,
            r#""[1.5,2,1000000000000000000000,0.1,-0.5,true,null,\"a\\u0026b\\n\\u2028\"]""#,
        ),
        ("jsonencode", r#"["hello"]"#, r#""\"hello\"""#),
        ("jsonencode", "[null]", r#""null""#),
        ("jsonencode", r#"[{"x": {}, "y": []}]"#, r#""{\"x\":{},\"y\":[]}""#),
        ("jsondecode", r#"["{\"hello\": \"world\", \"n\": [1, 2.5]}"]"#, r#"{"hello": "world", "n": [1, 2.5]}"#),
        ("jsondecode", r#"["true"]"#, "true"),
        ("jsondecode", r#"["null"]"#, "null"),
    ]);
    assert_errors(&[
        ("jsondecode", r#"["{nope"]"#, r#"Invalid value for "string" parameter: invalid JSON"#),
        ("jsondecode", r#"["1e400"]"#, "invalid JSON"),
    ]);
}

#[test]
fn yaml_encoding_matches_terraform() {
    assert_results(&[
        ("yamlencode", r#"[{"a": "b", "c": "d"}]"#, r#""\"a\": \"b\"\n\"c\": \"d\"\n""#),
        ("yamlencode", r#"[{"foo": [1, 2, 3], "bar": "baz"}]"#, r#""\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n""#),
        (
            "yamlencode",
            r#"[{"foo": [1, {"a": "b", "c": "d"}, 3], "bar": "baz"}]"#,
            r#""\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n""#,
        ),
        (
            "yamlencode",
            r#"[{"outer": {"inner": true, "e": [], "m": {}}}]"#,
            r#""\"outer\":\n  \"e\": []\n  \"inner\": true\n  \"m\": {}\n""#,
        ),
        ("yamlencode", r#"[[[1, 2], "x"]]"#, r#""- - 1\n  - 2\n- \"x\"\n""#),
        ("yamlencode", r#"[{"script": "line one\nline two\n"}]"#, r#""\"script\": |\n  line one\n  line two\n""#),
        ("yamlencode", r#"[{"s": "a\n\nb"}]"#, r#""\"s\": |-\n  a\n\n  b\n""#),
        ("yamlencode", r#"[{"s": " lead\nx"}]"#, r#""\"s\": \" lead\\nx\"\n""#),
        ("yamlencode", r#"["plain"]"#, r#""\"plain\"\n""#),
        ("yamlencode", "[null]", r#""null\n""#),
        ("yamlencode", "[[]]", r#""[]\n""#),
        (
            "yamldecode",
            r#"["hello: world\nlist: [1, 2.5, true, null]"]"#,
            r#"{"hello": "world", "list": [1, 2.5, true, null]}"#,
        ),
        ("yamldecode", r#"["- a\n- b"]"#, r#"["a", "b"]"#),
        ("yamldecode", r#"[""]"#, "null"),
        (
            "yamldecode",
            r#"["base: &b {x: 1}\nderived:\n  <<: *b\n  z: 2"]"#,
            r#"{"base": {"x": 1}, "derived": {"x": 1, "z": 2}}"#,
        ),
        ("yamldecode", r#"["1: one\ntrue: yes"]"#, r#"{"1": "one", "true": true}"#),
        // YAML 1.1 plain scalars as Terraform 1.11 resolves them (checked with its console);
        // quoted ones stay strings.
        (
            "yamldecode",
            r#"["a: [yes, no, on, off, y, n, Yes, OFF, oN, 'yes', \"on\", 0755, 012, '0755', 0o17, 0x1F, +12, 1e3, .5, 1_0]"]"#,
            r#"{"a": [true, false, true, false, true, false, true, false, "oN", "yes", "on", 755, 12, "0755", 15, 31, 12, 1000, 0.5, "1_0"]}"#,
        ),
        (
            "yamldecode",
            r#"["[2001-12-14, 2001-12-14t21:59:43.10-05:00, 2001-12-14 21:59:43.10, 2001-12-14T21:59:43+00:00, 2001-12-14 21:59:43.10 -5, '2001-12-14']"]"#,
            r#"["2001-12-14T00:00:00Z", "2001-12-14T21:59:43-05:00", "2001-12-14T21:59:43Z", "2001-12-14T21:59:43Z", "2001-12-14 21:59:43.10 -5", "2001-12-14"]"#,
        ),
        ("yamldecode", r#"["x: !Ref thing"]"#, r#"{"x": "thing"}"#),
        ("yamldecode_all", r#"["a: 1\n---\n---\nb: 2\n"]"#, r#"[{"a": 1}, {"b": 2}]"#),
        ("manifest_decode_multi", r#"["---\nkind: A\n---\nkind: B\n...\n"]"#, r#"[{"kind": "A"}, {"kind": "B"}]"#),
        ("yamldecode_all", r#"[""]"#, "[]"),
    ]);
    assert_errors(&[
        ("yamldecode", r#"["a: 1\n---\nb: 2"]"#, "holds 2 YAML documents"),
        ("yamldecode", r#"["a: [1"]"#, "invalid YAML"),
        ("yamldecode", r#"["[a]: 1"]"#, "mapping key must be a scalar"),
        ("yamldecode", r#"["x: .nan"]"#, "cannot be represented"),
    ]);
}

#[test]
fn yamlencode_output_decodes_back_to_the_same_value() {
    let values = [
        r#"{"k8s": {"metadata": {"name": "x", "labels": {"app": "web"}}, "spec": {"ports": [{"port": 80}, {"port": 443}]}}}"#,
        r#"[["a", ["b", []]], {}, {"q": "quote \" and \\ and\ttab", "multi": "x\ny\n\n", "trailing": "a \nb"}]"#,
        r##"{"weird keys": {"": 1, "a: b": 2, "- c": 3, "#d": null}, "unicode": "héllo ✓", "ctrl": "\u0007bell"}"##,
    ];
    for text in values {
        let value = json(text);
        let encoded = run("yamlencode", std::slice::from_ref(&value)).unwrap();
        let decoded = run("yamldecode", std::slice::from_ref(&encoded)).unwrap();
        assert_eq!(decoded, value, "round trip through {encoded}");
    }
}

#[test]
fn base64_url_and_text_encodings() {
    assert_results(&[
        ("base64encode", r#"["Hello World"]"#, r#""SGVsbG8gV29ybGQ=""#),
        ("base64decode", r#"["SGVsbG8gV29ybGQ="]"#, r#""Hello World""#),
        ("urlencode", r#"["Hello World!"]"#, r#""Hello+World%21""#),
        ("urlencode", r#"["☃ a-b_c.d~e/f?g=h&i"]"#, r#""%E2%98%83+a-b_c.d~e%2Ff%3Fg%3Dh%26i""#),
        ("textencodebase64", r#"["Hello World", "UTF-16LE"]"#, r#""SABlAGwAbABvACAAVwBvAHIAbABkAA==""#),
        ("textencodebase64", r#"["é", "ISO-8859-1"]"#, r#""6Q==""#),
        ("textdecodebase64", r#"["SABlAGwAbABvACAAVwBvAHIAbABkAA==", "UTF-16LE"]"#, r#""Hello World""#),
        (
            "csvdecode",
            r#"["a,b,c\n1,2,3\n4,\"5,\"\"x\"\"\",6\n"]"#,
            r#"[{"a": "1", "b": "2", "c": "3"}, {"a": "4", "b": "5,\"x\"", "c": "6"}]"#,
        ),
        ("csvdecode", r#"["a,b\r\n\r\n1,2"]"#, r#"[{"a": "1", "b": "2"}]"#),
        ("csvdecode", r#"[""]"#, "[]"),
    ]);
    assert_errors(&[
        ("base64decode", r#"["not base64!"]"#, "failed to decode base64 data"),
        ("base64decode", r#"["//79"]"#, "not valid UTF-8"),
        (
            "textencodebase64",
            r#"["x", "EBCDIC"]"#,
            r#"Invalid value for "encoding" parameter: "EBCDIC" is not a supported encoding"#,
        ),
        ("textencodebase64", r#"["☃", "US-ASCII"]"#, "cannot be represented in the requested encoding"),
        ("csvdecode", r#"["a,b\n1"]"#, "data row 1 has 1 columns, but the header has 2"),
        ("csvdecode", r#"["a\n\"open"]"#, "missing \" in quoted field"),
    ]);
    assert_eq!(run("base64encode", &[Value::from(1i64)]).unwrap(), Value::from("MQ=="));
}

#[test]
fn base64gzip_compresses_then_encodes() {
    use base64::Engine;
    use std::io::Read;
    for text in ["", "test", &"repetitive ".repeat(200)] {
        let encoded = run("base64gzip", &[Value::from(text)]).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD.decode(encoded.as_str().unwrap()).unwrap();
        assert_eq!(&bytes[..2], [0x1f, 0x8b], "gzip magic");
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(bytes.as_slice()).read_to_string(&mut decoded).unwrap();
        assert_eq!(decoded, text);
    }
    assert!(run("base64gzip", &[Value::Null]).unwrap_err().message.contains("must not be null"));
}

#[test]
fn yamldecode_follows_terraform_yaml_1_1() {
    // Terraform 1.11's yamldecode (go-yaml) reads YAML 1.1's yes/no/on/off/y/n as booleans,
    // also as keys; sexagesimals stay strings.
    assert_results(&[
        (
            "yamldecode",
            r#"["[yes, no, on, off, y, n, Yes, NO]"]"#,
            "[true, false, true, false, true, false, true, false]",
        ),
        ("yamldecode", r#"["{y: 2, n: 3, 0755: a}"]"#, r#"{"true": 2, "false": 3, "755": "a"}"#),
        ("yamldecode", r#"["[true, false, True, FALSE]"]"#, "[true, false, true, false]"),
        ("yamldecode", r#"["[0o17, 0x1F, 1_000, 12:30, +12, -0.5e1]"]"#, r#"[15, 31, "1_000", "12:30", 12, -5]"#),
        ("yamldecode", r#"["[null, ~, Null, '']"]"#, r#"[null, null, null, ""]"#),
    ]);
    // Numbers are finite in meshplan (Terraform returns ±Inf here, then fails to encode it).
    assert_errors(&[
        ("yamldecode", r#"["x: .inf"]"#, "cannot be represented"),
        ("yamldecode", r#"["x: -.Inf"]"#, "cannot be represented"),
    ]);
}
