use crate::{assert_errors, assert_results, fixtures, run};
use meshplan_functions::Value;

#[test]
fn file_functions_resolve_against_the_module_directory() {
    let absolute = fixtures().join("hello.txt").to_string_lossy().into_owned();
    assert_results(&[
        ("file", r#"["hello.txt"]"#, r#""Hello World\n""#),
        ("file", r#"["./subdir/../hello.txt"]"#, r#""Hello World\n""#),
        ("filebase64", r#"["hello.txt"]"#, r#""SGVsbG8gV29ybGQK""#),
        ("filebase64", r#"["binary.bin"]"#, r#""//4A""#),
        ("filesha256", r#"["hello.txt"]"#, r#""d2a84f4b8b650937ec8f73cd8be2c74add5a911ba64df27458ed8229da804a26""#),
        ("filemd5", r#"["hello.txt"]"#, r#""e59ff97941044f85df5297e1c302d260""#),
        ("fileexists", r#"["hello.txt"]"#, "true"),
        ("fileexists", r#"["missing.txt"]"#, "false"),
    ]);
    assert_eq!(run("file", &[Value::from(absolute.as_str())]).unwrap(), Value::from("Hello World\n"));
    assert_eq!(run("abspath", &[Value::from("a/../hello.txt")]).unwrap(), Value::from(absolute.as_str()));
    assert_eq!(run("abspath", &[Value::from("/x//y/./z/..")]).unwrap(), Value::from("/x/y"));
}

#[test]
fn file_errors_say_what_went_wrong() {
    assert_errors(&[
        ("file", r#"["missing.txt"]"#, r#"Invalid value for "path" parameter: no file exists at "missing.txt""#),
        ("file", r#"["binary.bin"]"#, "contents are not valid UTF-8; use the filebase64 function"),
        ("file", r#"["subdir"]"#, r#""subdir" is a directory, not a file"#),
        ("fileexists", r#"["subdir"]"#, "is a directory, not a file"),
        ("filesha256", r#"["missing.txt"]"#, "no file exists"),
    ]);
}

#[test]
fn path_functions_follow_go_filepath() {
    assert_results(&[
        ("basename", r#"["foo/bar/baz.txt"]"#, r#""baz.txt""#),
        ("basename", r#"["foo/bar/"]"#, r#""bar""#),
        ("basename", r#"["/"]"#, r#""/""#),
        ("basename", r#"[""]"#, r#"".""#),
        ("dirname", r#"["foo/bar/baz.txt"]"#, r#""foo/bar""#),
        ("dirname", r#"["foo"]"#, r#"".""#),
        ("dirname", r#"["/foo"]"#, r#""/""#),
        ("dirname", r#"["a/b/"]"#, r#""a/b""#),
        ("dirname", r#"["a//b/../c/d"]"#, r#""a/c""#),
        ("pathexpand", r#"["/etc/x"]"#, r#""/etc/x""#),
        ("pathexpand", r#"["~user/x"]"#, r#""~user/x""#),
    ]);
    if let Ok(home) = std::env::var("HOME") {
        assert_eq!(run("pathexpand", &[Value::from("~/.ssh/id")]).unwrap(), Value::from(format!("{home}/.ssh/id")));
    }
}
