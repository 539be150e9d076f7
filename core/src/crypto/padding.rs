//! The RSA encryption paddings (a leaf: the key types and both RSA backends name it).

/// RSA encryption padding for sensitive fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RsaPadding {
    /// PKCS#1 v1.5 (what every Wasabi integration found uses; default).
    #[default]
    Pkcs1v15,
    /// OAEP with SHA-1 and MGF1-SHA-1.
    OaepSha1,
    /// OAEP with SHA-256 and MGF1-SHA-256.
    OaepSha256,
}

impl RsaPadding {
    /// Longest plaintext one block can carry with a `k`-byte modulus.
    pub fn max_plaintext(self, k: usize) -> usize {
        match self {
            RsaPadding::Pkcs1v15 => k.saturating_sub(11),
            RsaPadding::OaepSha1 => k.saturating_sub(2 * 20 + 2),
            RsaPadding::OaepSha256 => k.saturating_sub(2 * 32 + 2),
        }
    }
}
