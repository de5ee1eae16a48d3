//! Fetching the certificate chain a TLS server presents (for `tls_certificate`'s `url`).

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

const TIMEOUT: Duration = Duration::from_secs(30);

/// `https://host[:port][/path]` or `tls://host[:port]` → (host, port).
pub fn host_and_port(url: &str) -> Result<(String, u16), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("tls://"))
        .ok_or_else(|| format!("url {url:?} must start with https:// or tls://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or_else(|| format!("url {url:?} has an unclosed IPv6 address"))?;
        (host.to_string(), after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        }
    };
    let port = match port {
        Some(p) => p.parse().map_err(|_| format!("url {url:?} has an invalid port"))?,
        None => 443,
    };
    if host.is_empty() {
        return Err(format!("url {url:?} has no host"));
    }
    Ok((host, port))
}

/// The DER certificates the server sent, leaf first. With `roots`, the chain must verify
/// against them for the URL's host name; without, it is taken as presented.
pub async fn presented_chain(url: &str, roots: Option<RootCertStore>) -> Result<Vec<Vec<u8>>, String> {
    let (host, port) = host_and_port(url)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup failed: {e}"))?;
    let config = match roots {
        Some(roots) => builder.with_root_certificates(roots).with_no_client_auth(),
        None => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyChain(provider)))
            .with_no_client_auth(),
    };
    let server_name =
        ServerName::try_from(host.clone()).map_err(|_| format!("{host:?} is not a valid TLS server name"))?;
    let connect = async {
        let tcp =
            TcpStream::connect((host.as_str(), port)).await.map_err(|e| format!("connecting to {host}:{port}: {e}"))?;
        let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(server_name, tcp)
            .await
            .map_err(|e| format!("TLS handshake with {host}:{port}: {e}"))?;
        let certs = tls.get_ref().1.peer_certificates().unwrap_or_default();
        Ok::<_, String>(certs.iter().map(|c| c.as_ref().to_vec()).collect::<Vec<_>>())
    };
    let certs = tokio::time::timeout(TIMEOUT, connect)
        .await
        .map_err(|_| format!("no TLS handshake with {host}:{port} within {}s", TIMEOUT.as_secs()))??;
    if certs.is_empty() {
        return Err(format!("{host}:{port} presented no certificate"));
    }
    Ok(certs)
}

/// Accepts whatever chain the server presents (`verify_chain = false`) but still checks
/// the handshake signature, so the peer does hold the leaf's key.
#[derive(Debug)]
struct AcceptAnyChain(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyChain {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Trust anchors: the given PEM certificates, or the system's store when none are given.
pub fn roots(ca_pem: Option<&str>) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    match ca_pem {
        Some(text) => {
            for der in crate::inspect::certificate_ders(text).map_err(|e| format!("ca_cert_pem: {e}"))? {
                store.add(CertificateDer::from(der)).map_err(|e| format!("ca_cert_pem: {e}"))?;
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            for cert in found.certs {
                let _ = store.add(cert);
            }
            if store.is_empty() {
                return Err("no system trust store found; set ca_cert_pem or verify_chain = false".into());
            }
        }
    }
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        assert_eq!(
            host_and_port("https://oidc.eks.us-west-2.amazonaws.com/id/X").unwrap(),
            ("oidc.eks.us-west-2.amazonaws.com".into(), 443)
        );
        assert_eq!(host_and_port("https://127.0.0.1:8443").unwrap(), ("127.0.0.1".into(), 8443));
        assert_eq!(host_and_port("tls://[::1]:99").unwrap(), ("::1".into(), 99));
        assert!(host_and_port("http://x").is_err());
        assert!(host_and_port("https://:1").is_err());
    }
}
