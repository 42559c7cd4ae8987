//! `tracing` logs to stderr, filtered by `RUST_LOG` (default `info`), with
//! the bot token scrubbed from every line whatever logged it (teloxide's
//! and reqwest's errors carry request URLs, and a request URL holds the
//! token).

use std::io::Write;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Replace the token (and its secret half alone) with `<token>`.
pub fn redact(text: &str, token: &str) -> String {
    let mut out = text.to_string();
    if !token.is_empty() {
        out = out.replace(token, "<token>");
        if let Some((_, secret)) = token.split_once(':')
            && secret.len() >= 8
        {
            out = out.replace(secret, "<token>");
        }
    }
    out
}

#[derive(Clone)]
pub struct Redacting {
    token: Arc<str>,
}

pub struct RedactingWriter {
    token: Arc<str>,
    buf: Vec<u8>,
}

impl Write for RedactingWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactingWriter {
    fn drop(&mut self) {
        let text = redact(&String::from_utf8_lossy(&self.buf), &self.token);
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

impl<'a> MakeWriter<'a> for Redacting {
    type Writer = RedactingWriter;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            token: self.token.clone(),
            buf: Vec::new(),
        }
    }
}

/// Install the subscriber (once per process; later calls do nothing).
pub fn init(token: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Redacting {
            token: Arc::from(token),
        })
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_and_its_secret_are_scrubbed() {
        let t = "123456:AAHsecretSECRETsecret";
        let line = "error sending request for url (https://api.telegram.org/bot123456:AAHsecretSECRETsecret/getMe)";
        let r = redact(line, t);
        assert!(!r.contains("AAHsecret"), "{r}");
        assert!(r.contains("bot<token>/getMe"), "{r}");
        assert_eq!(redact("x AAHsecretSECRETsecret y", t), "x <token> y");
    }
}
