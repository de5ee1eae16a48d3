//! rsadecrypt against a ciphertext made by `openssl pkeyutl -encrypt -pkeyopt rsa_padding_mode:pkcs1`
//! with a throwaway 1024-bit test key (PKCS#1 and the same key as PKCS#8).

use crate::run;
use meshplan_functions::Value;

const PKCS1: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIICXAIBAAKBgQCu9jclrunzjtzj+KdN60TmIdd4qkbS44znNEVH42HPIvZ2uRon\n+YGZU597ygUTEpFM85VJqO3iCDqOza/4HMr2bLbxnm1GIzglPgwWGIf7huMFylxb\n9xiBundGJEFoYLpdNxQ3IGaZxKy2NdF6rhfjIK98P329uQpHx3sH61xvyQIDAQAB\nAoGARuVGG2LxMdwl7cqIIK7A0G/OG/sDj9jc86Len+6nZ4PHUvxWePRFa5fS/Bo0\nTDIt5nyddaeaHQkwkUUPlP41z1CtXjVazeRXtCAxfiO8GjAM+1IGf9kPtraCvOeV\nTqcHNwnjCW8v9EhtC1fpMrKG9FwicVJ+ChgHPgN2HFLHUrECQQDnumnzKf7FNfCb\nqR8R+Y25bxxLDsmkSxeuKp1uNZXVMuwDfJTBhdrEW0mdRregzxoYQGgi2nfdA18h\nQCdAHYmvAkEAwUmpJsLD9n+Faycsppjv8O+eZFT+38g1+HcyRVo7YvIoCuQ4lDtK\nRsEig0pNj+jlsRtjpvVwS0xfz/Njr/QUBwJAXKORp7yqNX0S66f4297AYdmhngAT\nbLL4jJBMz7psZAcvg1VSwusYQlecXlvfHVKuQ/O7rfNY5+ppJYnYJzGn0QJAcv7v\nK0dvLWWbLDAnaYrOHkuBsfG7ncpRCd1oxEg10t19o1U6sD5CJ6xaa0A2uyr2FRPV\niwy1Xac3zdHhelq92wJBAINyRQqqujY9npYUsLW4qtfz2jTmCdqtZ9WM8LUVKRL3\nNZh4UFfCscRszFRZbLs/Qa//NXEUouwQMuStavWtgeA=\n-----END RSA PRIVATE KEY-----";
const PKCS8: &str = "-----BEGIN PRIVATE KEY-----\nMIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAK72NyWu6fOO3OP4\np03rROYh13iqRtLjjOc0RUfjYc8i9na5Gif5gZlTn3vKBRMSkUzzlUmo7eIIOo7N\nr/gcyvZstvGebUYjOCU+DBYYh/uG4wXKXFv3GIG6d0YkQWhgul03FDcgZpnErLY1\n0XquF+Mgr3w/fb25CkfHewfrXG/JAgMBAAECgYBG5UYbYvEx3CXtyoggrsDQb84b\n+wOP2Nzzot6f7qdng8dS/FZ49EVrl9L8GjRMMi3mfJ11p5odCTCRRQ+U/jXPUK1e\nNVrN5Fe0IDF+I7waMAz7UgZ/2Q+2toK855VOpwc3CeMJby/0SG0LV+kysob0XCJx\nUn4KGAc+A3YcUsdSsQJBAOe6afMp/sU18JupHxH5jblvHEsOyaRLF64qnW41ldUy\n7AN8lMGF2sRbSZ1Gt6DPGhhAaCLad90DXyFAJ0Adia8CQQDBSakmwsP2f4VrJyym\nmO/w755kVP7fyDX4dzJFWjti8igK5DiUO0pGwSKDSk2P6OWxG2Om9XBLTF/P82Ov\n9BQHAkBco5GnvKo1fRLrp/jb3sBh2aGeABNssviMkEzPumxkBy+DVVLC6xhCV5xe\nW98dUq5D87ut81jn6mklidgnMafRAkBy/u8rR28tZZssMCdpis4eS4Gx8budylEJ\n3WjESDXS3X2jVTqwPkInrFprQDa7KvYVE9WLDLVdpzfN0eF6Wr3bAkEAg3JFCqq6\nNj2elhSwtbiq1/PaNOYJ2q1n1YzwtRUpEvc1mHhQV8KxxGzMVFlsuz9Br/81cRSi\n7BAy5K1q9a2B4A==\n-----END PRIVATE KEY-----";
const CIPHERTEXT: &str = "T/NgUjLZxKvrzxEg1STRI5ZTmSjAv9grc8ykmlNBsn8rkH7jPGa1CP8tKjplUzp8NQBUAQEhI5yZkRTSH+inBS/aIFOTqGAJTfLcD0CAvDL81DGKCXFhxnPuo4IjFB1SXmAxgi/54c9uUgZh0H/ZRV0UsBOwHtJnd5lzGFDI/j0=";

fn decrypt(ciphertext: &str, key: &str) -> Result<Value, String> {
    run("rsadecrypt", &[Value::from(ciphertext), Value::from(key)]).map_err(|e| e.message)
}

#[test]
fn rsadecrypt_reads_pkcs1_and_pkcs8_keys() {
    assert_eq!(decrypt(CIPHERTEXT, PKCS1).unwrap(), Value::from("hello, meshplan"));
    assert_eq!(decrypt(CIPHERTEXT, PKCS8).unwrap(), Value::from("hello, meshplan"));
}

#[test]
fn rsadecrypt_errors_name_the_parameter_and_never_the_key() {
    let e = decrypt("not base64!", PKCS1).unwrap_err();
    assert!(e.contains(r#"Invalid value for "ciphertext" parameter"#) && e.contains("base64"), "{e}");
    let e = decrypt(CIPHERTEXT, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----").unwrap_err();
    assert!(e.contains(r#"Invalid value for "privatekey" parameter"#) && e.contains("CERTIFICATE"), "{e}");
    let e = decrypt(CIPHERTEXT, "garbage").unwrap_err();
    assert!(e.contains("no PEM block"), "{e}");
    // A ciphertext of the right size that was not made with this key.
    let wrong = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [7u8; 128]);
    let e = decrypt(&wrong, PKCS1).unwrap_err();
    assert!(e.contains("failed to decrypt"), "{e}");
    assert!(!e.contains("MII"), "the key leaked into the error: {e}");
}
