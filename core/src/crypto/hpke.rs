//! RFC 9180 HPKE, base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
//! AES-256-GCM: the primitive under the card reveal ([`crate::reveal`]).

use hpke::aead::AesGcm256;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use rand_core::{CryptoRng, RngCore};

use crate::error::{Error, Result};

type Kem = X25519HkdfSha256;
/// An X25519 private key (zeroized on drop by the `hpke` crate).
pub(crate) type PrivateKey = <Kem as hpke::Kem>::PrivateKey;
type PublicKey = <Kem as hpke::Kem>::PublicKey;
type EncappedKey = <Kem as hpke::Kem>::EncappedKey;

/// A fresh key pair from `rng`: the private key and the public key's 32 bytes.
pub(crate) fn generate<R: CryptoRng + RngCore>(rng: &mut R) -> (PrivateKey, [u8; 32]) {
    let (secret, public) = Kem::gen_keypair(rng);
    let mut pk = [0u8; 32];
    pk.copy_from_slice(&public.to_bytes());
    (secret, pk)
}

/// The HPKE layer on its own (base mode, this module's suite, single
/// shot): `(enc, ciphertext)` for `plaintext` to the raw 32-byte X25519
/// key `recipient`. For conformance tests against RFC 9180's vectors; the
/// reveal envelope is built on it.
pub fn hpke_seal<R: CryptoRng + RngCore>(
    recipient: &[u8],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
    rng: &mut R,
) -> Result<(Vec<u8>, Vec<u8>)> {
    let pk = PublicKey::from_bytes(recipient)
        .map_err(|_| Error::invalid_input("not an X25519 public key (32 bytes)"))?;
    let (enc, ct) = hpke::single_shot_seal::<AesGcm256, HkdfSha256, Kem, _>(
        &OpModeS::Base,
        &pk,
        info,
        plaintext,
        aad,
        rng,
    )
    .map_err(|_| Error::invalid_input("the public key is a low-order point"))?;
    Ok((enc.to_bytes().to_vec(), ct))
}

/// Opens what [`hpke_seal`] made, with the raw 32-byte X25519 private key.
pub fn hpke_open(
    secret: &[u8],
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>> {
    let sk = PrivateKey::from_bytes(secret)
        .map_err(|_| Error::invalid_key("not an X25519 private key (32 bytes)"))?;
    open_with(&sk, enc, info, aad, ciphertext)
}

pub(crate) fn open_with(
    sk: &PrivateKey,
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>> {
    let enc = EncappedKey::from_bytes(enc).map_err(|_| Error::DecryptFailed)?;
    hpke::single_shot_open::<AesGcm256, HkdfSha256, Kem>(
        &OpModeR::Base,
        sk,
        &enc,
        info,
        ciphertext,
        aad,
    )
    .map_err(|_| Error::DecryptFailed)
}
