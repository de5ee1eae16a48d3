//! What ACM PCA needs from a PEM certificate: its serial number, to revoke it.

/// The certificate's serial as colon-separated hex bytes (`4c:f8:...`, as AWS's
/// RevokeCertificate examples write it), uppercase as moto compares it.
pub fn serial(pem_text: &str) -> Result<String, String> {
    let (_, pem) =
        x509_parser::pem::parse_x509_pem(pem_text.as_bytes()).map_err(|e| format!("not a PEM certificate: {e}"))?;
    let cert = pem.parse_x509().map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let raw = cert.raw_serial();
    // DER pads a serial whose top bit is set with a zero byte; the serial itself has none.
    let start = raw.iter().position(|b| *b != 0).unwrap_or(raw.len().saturating_sub(1));
    Ok(raw[start..].iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(super::serial("not a certificate").is_err());
        assert!(super::serial("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").is_err());
    }
}
