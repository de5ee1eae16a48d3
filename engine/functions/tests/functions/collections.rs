use crate::{assert_errors, assert_results};

#[test]
fn list_and_map_functions() {
    assert_results(&[
        ("length", r#"["hello"]"#, "5"),
        ("length", r#"["🤔e\u0301"]"#, "2"),
        ("length", r#"[[1, 2, 3]]"#, "3"),
        ("length", r#"[{"a": 1, "b": 2}]"#, "2"),
        ("concat", r#"[["a", ""], ["b", "c"]]"#, r#"["a", "", "b", "c"]"#),
        ("concat", "[]", "[]"),
        ("merge", r#"[{"a": "b", "c": "d"}, {"e": "f", "c": "z"}]"#, r#"{"a": "b", "c": "z", "e": "f"}"#),
        ("merge", r#"[{"a": 1}, null, {"b": 2}]"#, r#"{"a": 1, "b": 2}"#),
        ("merge", "[]", "{}"),
        ("keys", r#"[{"b": 1, "a": 2}]"#, r#"["a", "b"]"#),
        ("values", r#"[{"b": 1, "a": 2}]"#, "[2, 1]"),
        ("lookup", r#"[{"a": "ay", "b": "bee"}, "a", "what?"]"#, r#""ay""#),
        ("lookup", r#"[{"a": "ay"}, "c", "what?"]"#, r#""what?""#),
        ("element", r#"[["a", "b", "c"], 1]"#, r#""b""#),
        ("element", r#"[["a", "b", "c"], 3]"#, r#""a""#),
        ("element", r#"[["a", "b", "c"], 7]"#, r#""b""#),
        ("flatten", r#"[[["a", "b"], [], ["c"]]]"#, r#"["a", "b", "c"]"#),
        ("flatten", r#"[[[["a", "b"], []], ["c"], "d"]]"#, r#"["a", "b", "c", "d"]"#),
        ("contains", r#"[["a", "b", "c"], "a"]"#, "true"),
        ("contains", r#"[["a", "b", "c"], "d"]"#, "false"),
        ("contains", r#"[["1", "2"], 1]"#, "true"),
        ("index", r#"[["a", "b", "c"], "b"]"#, "1"),
        ("zipmap", r#"[["a", "b"], [1, 2]]"#, r#"{"a": 1, "b": 2}"#),
        ("range", "[3]", "[0, 1, 2]"),
        ("range", "[1, 4]", "[1, 2, 3]"),
        ("range", "[4, 1]", "[4, 3, 2]"),
        ("range", "[0]", "[]"),
        ("range", "[1, 8, 2]", "[1, 3, 5, 7]"),
        ("range", "[1, 4, 0.5]", "[1, 1.5, 2, 2.5, 3, 3.5]"),
        ("range", "[4, 1, -0.5]", "[4, 3.5, 3, 2.5, 2, 1.5]"),
        ("range", "[10, 5]", "[10, 9, 8, 7, 6]"),
        ("range", "[-3]", "[0, -1, -2]"),
        ("coalesce", r#"["a", "b"]"#, r#""a""#),
        ("coalesce", r#"["", "b"]"#, r#""b""#),
        ("coalesce", r#"[null, 1, 2]"#, "1"),
        ("coalescelist", r#"[[], ["a", "b"], ["c"]]"#, r#"["a", "b"]"#),
        ("coalescelist", r#"[null, ["c"]]"#, r#"["c"]"#),
        ("compact", r#"[["a", "", "b", null, "c"]]"#, r#"["a", "b", "c"]"#),
        ("one", "[[]]", "null"),
        ("one", r#"[["hello"]]"#, r#""hello""#),
        ("slice", r#"[["a", "b", "c", "d"], 1, 3]"#, r#"["b", "c"]"#),
        ("slice", r#"[["a"], 1, 1]"#, "[]"),
        ("sort", r#"[["e", "d", "a", "x"]]"#, r#"["a", "d", "e", "x"]"#),
        ("sort", "[[10, 9, 1]]", r#"["1", "10", "9"]"#),
        ("reverse", "[[1, 2, 3]]", "[3, 2, 1]"),
        ("chunklist", r#"[["a", "b", "c", "d", "e"], 2]"#, r#"[["a", "b"], ["c", "d"], ["e"]]"#),
        ("chunklist", r#"[["a", "b"], 0]"#, r#"[["a", "b"]]"#),
        ("chunklist", "[[], 3]", "[]"),
        ("transpose", r#"[{"a": ["1", "2"], "b": ["2", "3"]}]"#, r#"{"1": ["a"], "2": ["a", "b"], "3": ["b"]}"#),
        ("alltrue", r#"[[true, "true"]]"#, "true"),
        ("alltrue", "[[]]", "true"),
        ("anytrue", "[[false, true]]", "true"),
        ("anytrue", "[[]]", "false"),
    ]);
}

#[test]
fn list_and_map_errors() {
    assert_errors(&[
        ("length", "[5]", "must be a string, a collection type, or a structural type, got number"),
        ("length", "[null]", "argument must not be null"),
        ("concat", r#"[["a"], "b"]"#, r#"Invalid value for "lists" parameter: list required, got string"#),
        ("merge", r#"[{"a": 1}, [1]]"#, "map or object required, got list"),
        ("lookup", r#"[{"a": 1}, "b"]"#, r#"the given object has no attribute "b""#),
        ("element", "[[], 0]", "cannot use element function with an empty list"),
        ("element", r#"[["a"], -1]"#, "cannot use element function with a negative index"),
        ("index", r#"[["a"], "z"]"#, "item not found"),
        ("zipmap", r#"[["a", "b"], [1]]"#, "number of keys (2) does not match number of values (1)"),
        ("range", "[1, 2, 0]", "step must not be zero"),
        ("range", "[1, 5, -1]", "step must move toward the limit"),
        ("range", "[2000]", "more than 1024 values were generated"),
        ("coalesce", r#"[null, ""]"#, "no non-null, non-empty-string arguments"),
        ("coalescelist", "[[], []]", "no non-null, non-empty list arguments"),
        ("one", "[[1, 2]]", "either zero or one elements, got 2 elements"),
        ("slice", "[[1, 2], 1, 3]", r#""end_index" parameter: end index 3 is out of range for a list of 2"#),
        ("slice", "[[1, 2], 2, 1]", "start index must not be greater than end index"),
        ("sort", "[[[1]]]", "element 0 must be a string, got list"),
        ("chunklist", "[[1], -1]", "the size argument must be positive"),
        ("transpose", r#"[{"a": "x"}]"#, "must be a list of strings"),
    ]);
}

#[test]
fn set_functions() {
    assert_results(&[
        ("toset", r#"[["c", "b", "b", "a"]]"#, r#"["a", "b", "c"]"#),
        ("toset", r#"[["a", 1, true]]"#, r#"["1", "a", "true"]"#),
        ("toset", "[[10, 2, 2]]", "[2, 10]"),
        ("distinct", r#"[["b", "a", "b", "c", "a"]]"#, r#"["b", "a", "c"]"#),
        ("setunion", r#"[["a", "b"], ["b", "c"], ["d"]]"#, r#"["a", "b", "c", "d"]"#),
        ("setintersection", r#"[["a", "b"], ["b", "c"], ["b", "d"]]"#, r#"["b"]"#),
        ("setsubtract", r#"[["a", "b", "c"], ["a", "c"]]"#, r#"["b"]"#),
        ("setproduct", r#"[["a", "b"], [1, 2]]"#, r#"[["a", 1], ["a", 2], ["b", 1], ["b", 2]]"#),
        ("setproduct", r#"[[], ["a"]]"#, "[]"),
    ]);
    assert_errors(&[
        ("toset", r#"[["a", null]]"#, "sets must not contain null elements"),
        ("setproduct", r#"[["a"]]"#, "at least two arguments are required"),
        ("setunion", "[]", "setunion expects at least 1 argument"),
    ]);
}

#[test]
fn number_functions() {
    assert_results(&[
        ("sum", "[[10, 13, 6, 4.5]]", "33.5"),
        ("min", "[12, 54, 3]", "3"),
        ("max", "[12, 54, 3]", "54"),
        ("max", r#"["7", 2]"#, "7"),
        ("abs", "[-12.4]", "12.4"),
        ("ceil", "[4.1]", "5"),
        ("floor", "[-4.1]", "-5"),
        ("pow", "[3, 2]", "9"),
        ("pow", "[4, 0.5]", "2"),
        ("signum", "[-13]", "-1"),
        ("signum", "[0]", "0"),
        ("log", "[16, 2]", "4"),
        ("parseint", r#"["100", 10]"#, "100"),
        ("parseint", r#"["FF", 16]"#, "255"),
        ("parseint", r#"["-10", 16]"#, "-16"),
        ("parseint", r#"["1011111011101111", 2]"#, "48879"),
        ("parseint", r#"["aA", 62]"#, "656"),
    ]);
    assert_errors(&[
        ("sum", "[[]]", "cannot sum an empty list"),
        ("sum", r#"[[1, "x"]]"#, "element 1 must be a number, got string"),
        ("min", "[]", "must pass at least one number"),
        ("max", r#"[1, "x"]"#, r#"Invalid value for "numbers" parameter: a number is required, got the string "x""#),
        ("pow", "[0, -1]", "not a finite number"),
        ("log", "[0, 10]", "only defined for positive numbers"),
        ("log", "[8, 1]", "base must be positive and not 1"),
        ("parseint", r#"["12", 1]"#, "base must be a whole number between 2 and 62"),
        ("parseint", r#"["FG", 16]"#, r#"cannot parse "FG" as a base 16 integer"#),
        ("parseint", r#"["", 10]"#, "cannot parse"),
        ("abs", r#"["abc"]"#, r#"a number is required, got the string "abc""#),
    ]);
}

#[test]
fn matchkeys_filters_values_by_their_keys() {
    assert_results(&[
        (
            "matchkeys",
            r#"[["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"], ["us-east"]]"#,
            r#"["i-abc", "i-def"]"#,
        ),
        ("matchkeys", r#"[["a", "b", "c"], ["x", "y", "z"], ["z", "x"]]"#, r#"["a", "c"]"#),
        ("matchkeys", r#"[[{"id": 1}, {"id": 2}], [1, 2], ["2"]]"#, r#"[{"id": 2}]"#),
        ("matchkeys", r#"[["a"], ["x"], []]"#, "[]"),
    ]);
    assert_errors(&[
        (
            "matchkeys",
            r#"[["a", "b"], ["x"], ["x"]]"#,
            r#"Invalid value for "keys" parameter: length of keys (1) and values (2) should be equal"#,
        ),
        ("matchkeys", r#"[["a"], ["x"], "x"]"#, r#"Invalid value for "searchset" parameter: list required"#),
    ]);
}

#[test]
fn ephemeralasnull_passes_non_ephemeral_values_through() {
    assert_results(&[
        ("ephemeralasnull", r#"["x"]"#, r#""x""#),
        ("ephemeralasnull", r#"[{"a": [1, null]}]"#, r#"{"a": [1, null]}"#),
        ("ephemeralasnull", "[null]", "null"),
    ]);
    // Unknown parts inside stay where they are instead of hiding the whole value.
    let partly = meshplan_functions::Value::object([("a", meshplan_functions::Value::Unknown)]);
    assert_eq!(crate::run("ephemeralasnull", std::slice::from_ref(&partly)).unwrap(), partly);
}
