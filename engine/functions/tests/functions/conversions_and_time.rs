use crate::{assert_errors, assert_results, run, PLAN_TIMESTAMP};
use meshplan_functions::Value;

#[test]
fn type_conversions() {
    assert_results(&[
        ("tostring", r#"["hello"]"#, r#""hello""#),
        ("tostring", "[1]", r#""1""#),
        ("tostring", "[1.5]", r#""1.5""#),
        ("tostring", "[true]", r#""true""#),
        ("tostring", "[null]", "null"),
        ("tonumber", r#"["1"]"#, "1"),
        ("tonumber", r#"["-2.5e2"]"#, "-250"),
        ("tonumber", "[7]", "7"),
        ("tonumber", "[null]", "null"),
        ("tobool", r#"["true"]"#, "true"),
        ("tobool", r#"["false"]"#, "false"),
        ("tobool", "[true]", "true"),
        ("tobool", "[null]", "null"),
        ("tolist", r#"[["a", "b"]]"#, r#"["a", "b"]"#),
        ("tolist", r#"[["a", 1, true]]"#, r#"["a", "1", "true"]"#),
        ("tomap", r#"[{"a": 1, "b": 2}]"#, r#"{"a": 1, "b": 2}"#),
        ("tomap", r#"[{"a": "foo", "b": true}]"#, r#"{"a": "foo", "b": "true"}"#),
    ]);
    assert_errors(&[
        ("tostring", r#"[["a"]]"#, r#"Invalid value for "value" parameter: cannot convert list to string"#),
        ("tostring", r#"[{"a": 1}]"#, "cannot convert object to string"),
        ("tonumber", r#"["no"]"#, r#"cannot convert "no" to number"#),
        ("tonumber", r#"["0x10"]"#, "must be a decimal representation"),
        ("tonumber", r#"["inf"]"#, "cannot convert"),
        ("tonumber", "[[]]", "cannot convert list to number"),
        ("tobool", r#"["yes"]"#, r#"cannot convert "yes" to bool"#),
        ("tobool", "[1]", "cannot convert number to bool"),
        ("tolist", r#"[{"a": 1}]"#, "cannot convert object to list"),
        ("tomap", "[[1]]", "cannot convert list to map"),
    ]);
}

#[test]
fn time_functions() {
    assert_eq!(run("plantimestamp", &[]).unwrap(), Value::from(PLAN_TIMESTAMP));
    let now = run("timestamp", &[]).unwrap();
    let now = now.as_str().unwrap();
    assert_eq!(now.len(), 20, "{now}");
    assert!(now.ends_with('Z') && now.starts_with("20"), "{now}");
    assert_results(&[
        ("timeadd", r#"["2017-11-22T00:00:00Z", "10m"]"#, r#""2017-11-22T00:10:00Z""#),
        ("timeadd", r#"["2017-11-22T00:00:00Z", "-1h30m"]"#, r#""2017-11-21T22:30:00Z""#),
        ("timeadd", r#"["2017-11-22T00:00:00Z", "1.5h"]"#, r#""2017-11-22T01:30:00Z""#),
        ("timeadd", r#"["2024-02-28T23:00:00+02:00", "2h"]"#, r#""2024-02-29T01:00:00+02:00""#),
        ("timeadd", r#"["2023-12-31T23:59:59.750Z", "500ms"]"#, r#""2024-01-01T00:00:00Z""#),
        ("timeadd", r#"["2000-01-01T00:00:00Z", "8760h"]"#, r#""2000-12-31T00:00:00Z""#),
        ("timeadd", r#"["1970-01-01T00:00:00Z", "-1s"]"#, r#""1969-12-31T23:59:59Z""#),
        ("timeadd", r#"["2017-11-22T00:00:00Z", "0"]"#, r#""2017-11-22T00:00:00Z""#),
        ("timecmp", r#"["2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z"]"#, "0"),
        ("timecmp", r#"["2017-11-22T00:00:00Z", "2017-11-22T01:00:00Z"]"#, "-1"),
        ("timecmp", r#"["2017-11-22T01:00:00+01:00", "2017-11-22T00:00:00Z"]"#, "0"),
        ("timecmp", r#"["2017-11-22T00:00:01Z", "2017-11-22T00:00:00Z"]"#, "1"),
    ]);
    assert_errors(&[
        (
            "timeadd",
            r#"["2017-11-22", "1h"]"#,
            r#""timestamp" parameter: "2017-11-22" is not a valid RFC 3339 timestamp"#,
        ),
        ("timeadd", r#"["2017-02-30T00:00:00Z", "1h"]"#, "not a valid RFC 3339 timestamp"),
        ("timeadd", r#"["2017-11-22T00:00:00Z", "1d"]"#, r#""duration" parameter: "1d" has an unknown unit "d""#),
        ("timeadd", r#"["2017-11-22T00:00:00Z", ""]"#, "is not a duration"),
        ("timeadd", r#"["9999-12-31T23:00:00Z", "2h"]"#, "outside the years 0000 to 9999"),
        ("timecmp", r#"["2017-11-22T00:00:00Z", "later"]"#, r#""timestamp_b" parameter"#),
    ]);
}

#[test]
fn formatdate_follows_terraforms_spec_letters() {
    assert_results(&[
        // Terraform's documented examples.
        ("formatdate", r#"["DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z"]"#, r#""02 Jan 2018 23:12 UTC""#),
        (
            "formatdate",
            r#"["EEEE, DD-MMM-YY hh:mm:ss ZZZ", "2018-01-02T23:12:01Z"]"#,
            r#""Tuesday, 02-Jan-18 23:12:01 UTC""#,
        ),
        (
            "formatdate",
            r#"["EEE, DD MMM YYYY hh:mm:ss ZZZ", "2018-01-02T23:12:01-08:00"]"#,
            r#""Tue, 02 Jan 2018 23:12:01 -0800""#,
        ),
        ("formatdate", r#"["MMM DD, YYYY", "2018-01-02T23:12:01Z"]"#, r#""Jan 02, 2018""#),
        ("formatdate", r#"["HH:mmaa", "2018-01-02T23:12:01Z"]"#, r#""11:12pm""#),
        ("formatdate", r#"["h'h'mm", "2018-01-02T23:12:01-08:00"]"#, r#""23h12""#),
        ("formatdate", r#"["H 'o''clock'", "2018-01-02T23:12:01-08:00"]"#, r#""11 o'clock""#),
        ("formatdate", r#"["YYYY-MM-DD'T'hh:mm:ssZ", "2018-01-02T23:12:01Z"]"#, r#""2018-01-02T23:12:01Z""#),
        // Unpadded fields, full names, midnight as 12 AM, offsets in every form.
        (
            "formatdate",
            r#"["M/D h:m:s H AA MMMM EEEE", "2024-03-04T00:05:09+05:30"]"#,
            r#""3/4 0:5:9 12 AM March Monday""#,
        ),
        ("formatdate", r#"["Z ZZZ ZZZZ ZZZZZ", "2024-03-04T00:05:09+05:30"]"#, r#""+05:30 +0530 +0530 +05:30""#),
        ("formatdate", r#"["ZZZZ ZZZZZ", "2024-03-04T00:05:09Z"]"#, r#""+0000 +00:00""#),
        ("formatdate", r#"["YY EEE", "2000-02-29T12:00:00Z"]"#, r#""00 Tue""#),
        ("formatdate", r#"["HH aa ''", "1969-12-31T12:00:00.5Z"]"#, r#""12 pm '""#),
    ]);
    assert_errors(&[
        (
            "formatdate",
            r#"["YYY", "2018-01-02T23:12:01Z"]"#,
            r#"Invalid value for "spec" parameter: invalid date format sequence "YYY""#,
        ),
        ("formatdate", r#"["Q", "2018-01-02T23:12:01Z"]"#, "invalid date format sequence \"Q\""),
        ("formatdate", r#"["'open", "2018-01-02T23:12:01Z"]"#, "unterminated literal"),
        ("formatdate", r#"["YYYY", "2018-01-02"]"#, r#"Invalid value for "timestamp" parameter"#),
    ]);
}
