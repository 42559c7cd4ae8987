//! Button callback data signed for the person it was sent to: any client
//! can send any callback data for a message it can see, so a press counts
//! only when its data carries an HMAC-SHA256 tag over the data and the
//! presser's id. The key is drawn once from the OS and kept in the state
//! directory (mode 0600).

use super::compose::Callback;
use crate::model::UserId;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

/// The key's file in the state directory.
pub const KEY_FILE: &str = "callback.key";
const KEY_BYTES: usize = 32;
/// Tag bytes kept (hex in the data): 64 bits against forging by guessing,
/// each guess a round trip to Telegram.
const TAG_BYTES: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{file}: cannot read or create the button signing key: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{file}: the button signing key is not {KEY_BYTES} bytes; delete it to make a new one (old buttons stop working)"
    )]
    Length { file: String },
    #[error("cannot draw a random key from the OS: {0}")]
    Random(String),
}

/// Signs and checks callback data.
#[derive(Clone)]
pub struct Signer {
    key: [u8; KEY_BYTES],
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)")
    }
}

impl Signer {
    pub const fn new(key: [u8; KEY_BYTES]) -> Signer {
        Signer { key }
    }

    /// The key in `dir`, made (readable by its owner only) the first time.
    pub fn load_or_create(dir: &Path) -> Result<Signer, KeyError> {
        let path = dir.join(KEY_FILE);
        let file = path.display().to_string();
        let io = |source| KeyError::Io {
            file: file.clone(),
            source,
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                let key: [u8; KEY_BYTES] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| KeyError::Length { file: file.clone() })?;
                return Ok(Signer { key });
            }
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
            Err(_) => {}
        }
        let mut key = [0u8; KEY_BYTES];
        getrandom::getrandom(&mut key).map_err(|e| KeyError::Random(e.to_string()))?;
        // Written whole under a temporary name, then renamed: a crash leaves
        // either no key or the whole key.
        let tmp = dir.join(format!("{KEY_FILE}.tmp"));
        write_private(&tmp, &key).map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)?;
        Ok(Signer { key })
    }

    fn tag(&self, body: &str, to: UserId) -> String {
        // `new_from_slice` accepts keys of any length for HMAC.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.key) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(format!("v1|{}|{body}", to.0).as_bytes());
        let out = mac.finalize().into_bytes();
        out[..TAG_BYTES]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The callback data of `cb` on a message sent to `to`.
    pub fn sign(&self, cb: &Callback, to: UserId) -> String {
        let body = cb.encode();
        let tag = self.tag(&body, to);
        format!("{body}.{tag}")
    }

    /// What a press by `presser` means, when the data was signed for them
    /// and not altered; `None` for unsigned, altered or someone else's.
    pub fn verify(&self, data: &str, presser: UserId) -> Option<Callback> {
        let (body, tag) = data.rsplit_once('.')?;
        let want = self.tag(body, presser);
        // Compared in constant time: the tag is a secret until it matches.
        let same = want.len() == tag.len()
            && want
                .bytes()
                .zip(tag.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same {
            return None;
        }
        Callback::decode(body)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::compose::MAX_CALLBACK_BYTES;
    use crate::model::{ChatId, MsgRef};

    fn big() -> MsgRef {
        MsgRef {
            chat_id: ChatId(-1_009_999_999_999),
            message_id: 2_147_483_647,
        }
    }

    #[test]
    fn signed_data_fits_and_binds_the_press_to_its_recipient() {
        let s = Signer::new([7; KEY_BYTES]);
        let cb = Callback::Feedback {
            task: big(),
            other: big(),
            same: true,
        };
        let data = s.sign(&cb, UserId(4));
        assert!(data.len() <= MAX_CALLBACK_BYTES, "{data}: {}", data.len());
        assert_eq!(s.verify(&data, UserId(4)), Some(cb));
        // Someone else pressing, altered data, no tag, another key.
        assert_eq!(s.verify(&data, UserId(5)), None);
        let altered = data.replacen("f1", "f0", 1);
        assert_eq!(s.verify(&altered, UserId(4)), None);
        assert_eq!(s.verify(&cb.encode(), UserId(4)), None);
        assert_eq!(Signer::new([8; KEY_BYTES]).verify(&data, UserId(4)), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_key_is_made_once_and_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let a = Signer::load_or_create(dir.path()).expect("made");
        let b = Signer::load_or_create(dir.path()).expect("read");
        assert_eq!(a.key, b.key);
        let mode = std::fs::metadata(dir.path().join(KEY_FILE))
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::write(dir.path().join(KEY_FILE), b"short").expect("write");
        assert!(Signer::load_or_create(dir.path()).is_err());
    }
}
