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

#[test]
fn fileset_globs_relative_to_the_path() {
    let dir = tempfile::tempdir().unwrap();
    for file in
        ["a.txt", "b.md", "c.txt.bak", "x1.tf", "xy.tf", "sub/d.txt", "sub/deep/e.txt", "sub/deep/f.json", "ü.txt"]
    {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }
    std::fs::create_dir_all(dir.path().join("empty.txt")).unwrap(); // a directory: never listed
    let root = dir.path().to_string_lossy().into_owned();
    let set = |pattern: &str| -> Vec<String> {
        let got = run("fileset", &[Value::from(root.as_str()), Value::from(pattern)]).unwrap();
        got.as_list().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
    };
    assert_eq!(set("*.txt"), ["a.txt", "ü.txt"]);
    assert_eq!(set("**/*.txt"), ["a.txt", "sub/d.txt", "sub/deep/e.txt", "ü.txt"]);
    assert_eq!(set("sub/**"), ["sub/d.txt", "sub/deep/e.txt", "sub/deep/f.json"]);
    assert_eq!(set("x?.tf"), ["x1.tf", "xy.tf"]);
    assert_eq!(set("x[0-9].tf"), ["x1.tf"]);
    assert_eq!(set("x[^0-9].tf"), ["xy.tf"]);
    assert_eq!(set("{a,b}.*"), ["a.txt", "b.md"]);
    assert_eq!(set("sub/{d.txt,deep/{e,f}.*}"), ["sub/d.txt", "sub/deep/e.txt", "sub/deep/f.json"]);
    assert_eq!(set("?.txt"), ["a.txt", "ü.txt"]);
    assert_eq!(set("*"), ["a.txt", "b.md", "c.txt.bak", "x1.tf", "xy.tf", "ü.txt"]);
    assert!(set("nothing*").is_empty());
    // Relative paths resolve against the module directory; a missing directory is empty.
    assert_results(&[
        ("fileset", r#"[".", "*.txt"]"#, r#"["hello.txt"]"#),
        ("fileset", r#"["", "**"]"#, r#"["binary.bin", "hello.txt", "subdir/.keep"]"#),
        ("fileset", r#"["missing", "*"]"#, "[]"),
    ]);
    assert_errors(&[
        ("fileset", r#"[".", "[abc"]"#, r#"Invalid value for "pattern" parameter: unclosed ["#),
        ("fileset", r#"[".", "{a,b"]"#, "unmatched {"),
        ("fileset", r#"[".", "a}"]"#, "unmatched }"),
        ("fileset", r#"[".", "a\\"]"#, "lone \\"),
        (
            "fileset",
            r#"[".", "{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}"]"#,
            "more than 1024 alternatives",
        ),
        ("fileset", r#"[null, "*"]"#, r#"Invalid value for "path" parameter"#),
    ]);
}
