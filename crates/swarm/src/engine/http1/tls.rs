//! TLS for `https://` URLs with rustls: one client configuration per run, and a full handshake
//! for every connection, because session tickets shared between users would let TLS sessions
//! cross between them.

use std::sync::Arc;

use rustls::client::Resumption;
use rustls::{ClientConfig, RootCertStore};

/// Builds the TLS client configuration: the Mozilla roots (webpki-roots) plus the system's
/// certificate store, which `SSL_CERT_FILE` and `SSL_CERT_DIR` replace when set, so a private
/// CA can be trusted without code.
pub fn client_config() -> Result<Arc<ClientConfig>, rustls::Error> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let native = rustls_native_certs::load_native_certs();
    for error in &native.errors {
        tracing::debug!("Skipped part of the system's certificate store: {error}");
    }
    let (_, rejected) = roots.add_parsable_certificates(native.certs);
    if rejected > 0 {
        tracing::debug!("Skipped {rejected} unparsable certificates of the system's store");
    }

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config.resumption = Resumption::disabled();
    Ok(Arc::new(config))
}
