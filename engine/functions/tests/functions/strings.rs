use crate::{assert_errors, assert_results};

#[test]
fn string_functions() {
    assert_results(&[
        ("join", r#"[", ", ["a", "b", "c"]]"#, r#""a, b, c""#),
        ("join", r#"["-", ["a"], ["b", 1, true]]"#, r#""a-b-1-true""#),
        ("join", r#"[",", []]"#, r#""""#),
        ("split", r#"[",", "a,b,,c"]"#, r#"["a", "b", "", "c"]"#),
        ("split", r#"[",", ""]"#, r#"[""]"#),
        ("split", r#"["", "abc"]"#, r#"["a", "b", "c"]"#),
        ("lower", r#"["HeLLo"]"#, r#""hello""#),
        ("upper", r#"["héllo"]"#, r#""HÉLLO""#),
        ("upper", r#"[5]"#, r#""5""#),
        // Go's per-rune (simple) case mapping: one char stays one char.
        ("upper", r#"["straße ŉ ﬁ"]"#, r#""STRAßE ŉ ﬁ""#),
        ("lower", r#"["İSTANBUL ẞ"]"#, r#""istanbul ß""#),
        ("title", r#"["ßa ﬁx"]"#, r#""ßa ﬁx""#),
        ("replace", r#"["1 + 2 + 3", "+", "-"]"#, r#""1 - 2 - 3""#),
        ("replace", r#"["hello world", "/w.*d/", "everybody"]"#, r#""hello everybody""#),
        ("replace", r#"["a1b22", "/(\\d+)/", "<$1>"]"#, r#""a<1>b<22>""#),
        ("replace", r#"["/", "/", "x"]"#, r#""x""#),
        ("trimspace", r#"["  hello\n\t"]"#, r#""hello""#),
        ("trim", r#"["?!hello?!", "!?"]"#, r#""hello""#),
        ("trimprefix", r#"["helloworld", "hello"]"#, r#""world""#),
        ("trimprefix", r#"["helloworld", "x"]"#, r#""helloworld""#),
        ("trimsuffix", r#"["helloworld", "world"]"#, r#""hello""#),
        ("substr", r#"["hello world", 1, 4]"#, r#""ello""#),
        ("substr", r#"["hello world", -5, 3]"#, r#""wor""#),
        ("substr", r#"["hello world", 6, -1]"#, r#""world""#),
        ("substr", r#"["hello", 10, 2]"#, r#""""#),
        ("substr", r#"["🤔🤷e\u0301x", 1, 2]"#, r#""🤷e\u0301""#),
        ("startswith", r#"["hello world", "hello"]"#, "true"),
        ("startswith", r#"["hello world", "world"]"#, "false"),
        ("endswith", r#"["hello world", "world"]"#, "true"),
        ("strcontains", r#"["hello world", "o w"]"#, "true"),
        ("strcontains", r#"["hello world", "x"]"#, "false"),
        ("indent", r#"[2, "[\n  foo,\n  bar,\n]\n"]"#, r#""[\n    foo,\n    bar,\n  ]\n  ""#),
        ("title", r#"["hello world-wide_web x"]"#, r#""Hello World-Wide_web X""#),
        ("title", r#"["ünïcode—dash é"]"#, r#""Ünïcode—dash É""#),
        ("chomp", r#"["hello\r\n\n"]"#, r#""hello""#),
        ("chomp", r#"["hello\n world"]"#, r#""hello\n world""#),
        ("strrev", r#"["héllo"]"#, r#""olléh""#),
        ("strrev", r#"["e\u0301a"]"#, r#""ae\u0301""#),
        ("regex", r#"["[a-z]+", "53453453.345345aaabbbccc23454"]"#, r#""aaabbbccc""#),
        ("regex", r#"["(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01"]"#, r#"["2019", "02", "01"]"#),
        (
            "regex",
            r#"["^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/"]"#,
            r#"{"authority": "terraform.io", "scheme": "https"}"#,
        ),
        ("regex", r#"["(a)|(b)", "b"]"#, r#"[null, "b"]"#),
        ("regexall", r#"["[a-z]+", "1234abcd5678efgh9"]"#, r#"["abcd", "efgh"]"#),
        ("regexall", r#"["[a-z]+", "123"]"#, "[]"),
        ("regexall", r#"["(\\w)=(\\d)", "a=1 b=2"]"#, r#"[["a", "1"], ["b", "2"]]"#),
    ]);
}

#[test]
fn string_function_errors() {
    assert_errors(&[
        ("join", r#"[","]"#, "at least one list is required"),
        ("join", r#"[",", "abc"]"#, r#"Invalid value for "lists" parameter: list required, got string"#),
        ("join", r#"[",", [["x"]]]"#, "element 0 must be a string, got list"),
        ("upper", "[null]", r#"Invalid value for "string" parameter: argument must not be null"#),
        ("upper", "[[]]", "string required, got list"),
        ("substr", r#"["abc", 1.5, 1]"#, r#""offset" parameter: a whole number is required, got 1.5"#),
        ("substr", r#"["abc", 0, -2]"#, "length must be non-negative"),
        ("indent", r#"[-1, "x"]"#, "between 0 and 1024"),
        ("regex", r#"["[a-z]+", "123"]"#, "pattern did not match any part of the given string"),
        ("regex", r#"["(", "x"]"#, r#"Invalid value for "pattern" parameter: invalid regular expression pattern"#),
        ("regex", r#"["(?P<a>x)(y)", "xy"]"#, "cannot mix both named and unnamed capture groups"),
        ("replace", r#"["x", "/(/", "y"]"#, r#""substring" parameter: invalid regular expression"#),
    ]);
}

#[test]
fn format_verbs() {
    assert_results(&[
        ("format", r#"["Hello, %s!", "Ander"]"#, r#""Hello, Ander!""#),
        ("format", r#"["There are %d lights", 4]"#, r#""There are 4 lights""#),
        ("format", r#"["%05.1f", 3.14159]"#, r#""003.1""#),
        ("format", r#"["%.2f", 3.14159]"#, r#""3.14""#),
        ("format", r#"["%f", 1.5]"#, r#""1.500000""#),
        ("format", r#"["%5d|%-5d|%05d|%+d", 42, 42, -42, 7]"#, r#""   42|42   |-0042|+7""#),
        ("format", r#"["%q", "a\"b\n"]"#, r#""\"a\\\"b\\n\"""#),
        ("format", r#"["%v %v %v %v", "s", 1.5, true, null]"#, r#""s 1.5 true null""#),
        ("format", r#"["%v", {"b": [1, "x"], "a": true}]"#, r#""{\"a\":true,\"b\":[1,\"x\"]}""#),
        ("format", r#"["%#v", "x"]"#, r#""\"x\"""#),
        ("format", r#"["100%% %s", "sure"]"#, r#""100% sure""#),
        ("format", r#"["%x %X %o %b", 255, 255, 8, 5]"#, r#""ff FF 10 101""#),
        ("format", r#"["%e", 1500]"#, r#""1.500000e+03""#),
        ("format", r#"["%g %g %g", 0.00001, 1000000, 123.456]"#, r#""1e-05 1e+06 123.456""#),
        ("format", r#"["%t", true]"#, r#""true""#),
        ("format", r#"["%s", 12]"#, r#""12""#),
        ("format", r#"["%.3s|%6s|%-6s|", "abcdef", "ab", "ab"]"#, r#""abc|    ab|ab    |""#),
        ("format", r#"["%[2]s %[1]s %s", "a", "b"]"#, r#""b a b""#),
        ("formatlist", r#"["Hello, %s!", ["Valentina", "Ander"]]"#, r#"["Hello, Valentina!", "Hello, Ander!"]"#),
        (
            "formatlist",
            r#"["%s, %s!", "Salutations", ["Valentina", "Ander"]]"#,
            r#"["Salutations, Valentina!", "Salutations, Ander!"]"#,
        ),
        ("formatlist", r#"["%s=%d", ["a", "b"], [1, 2]]"#, r#"["a=1", "b=2"]"#),
    ]);
}

#[test]
fn format_errors() {
    assert_errors(&[
        ("format", r#"["%d", 1.5]"#, "a whole number is required, got 1.5"),
        ("format", r#"["%d", "x"]"#, "number required"),
        ("format", r#"["%s %s", "a"]"#, "not enough arguments"),
        ("format", r#"["%s", "a", "b"]"#, "too many arguments; only 1 used by format string"),
        ("format", r#"["%z", 1]"#, "unsupported format verb %z"),
        ("format", r#"["abc %"]"#, "unterminated format verb"),
        ("format", r#"["%*d", 1, 2]"#, "not supported"),
        ("format", r#"["%s", null]"#, "null value cannot be formatted"),
        ("format", r#"["%s", [1]]"#, "string required, got list"),
        ("formatlist", r#"["%s %s", ["a"], ["b", "c"]]"#, "inconsistent with argument 1 of length 1"),
    ]);
}
