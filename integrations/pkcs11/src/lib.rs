//! A PKCS#11 signer and decryptor for cardwire's two-step forms: the
//! private key stays in the HSM (or SoftHSM), cardwire builds the sign input
//! and checks the result with the public key.
//!
//! ```no_run
//! use cardwire::crypto::signer::Signer;
//! let hsm = cardwire_pkcs11::Pkcs11Key::open(
//!     "/usr/lib/softhsm/libsofthsm2.so", "cardwire", "1234", "merchant_2048",
//! )?;
//! // let request = merchant.prepare_request(&Request::new(path).payload(payload), now_ms, &mut rng)?.sign_with(&hsm)?;
//! # Ok::<(), cardwire::Error>(())
//! ```
//!
//! Mechanisms: RSA-PSS-SHA256 with salt 32 is `CKM_SHA256_RSA_PKCS_PSS`
//! (MGF1-SHA256, sLen 32); PKCS#1 v1.5 SHA-256 is `CKM_SHA256_RSA_PKCS`; field
//! decryption is `CKM_RSA_PKCS` or `CKM_RSA_PKCS_OAEP` (SHA-1 or SHA-256).
//! This crate loads the token's shared library, so it lives outside the
//! IO-free core.

#![warn(missing_docs)]

use std::sync::Mutex;

use cardwire::crypto::rsa_pkcs1::RsaPadding;
use cardwire::crypto::signer::{Decryptor, SignAlgorithm, Signer};
use cardwire::Error;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsOaepParams, PkcsOaepSource, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;

/// A private key in a PKCS#11 token, found by label, with a logged-in session.
pub struct Pkcs11Key {
    session: Mutex<Session>,
    key: ObjectHandle,
    _context: Pkcs11,
}

impl std::fmt::Debug for Pkcs11Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pkcs11Key([redacted])")
    }
}

fn hsm_error(reason: &'static str) -> impl Fn(cryptoki::error::Error) -> Error {
    move |_| Error::InvalidKey { reason }
}

impl Pkcs11Key {
    /// Loads `module`, logs in to the token labelled `token` with the user
    /// `pin` and finds the private key labelled `key_label`.
    pub fn open(module: &str, token: &str, pin: &str, key_label: &str) -> Result<Self, Error> {
        let context = Pkcs11::new(module)
            .map_err(hsm_error("the PKCS#11 module did not load: check its path"))?;
        match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(())
            | Err(cryptoki::error::Error::Pkcs11(
                cryptoki::error::RvError::CryptokiAlreadyInitialized,
                _,
            )) => {}
            Err(_) => {
                return Err(Error::InvalidKey {
                    reason:
                        "the PKCS#11 module did not initialize (SoftHSM: is SOFTHSM2_CONF set?)",
                })
            }
        }
        let slot = context
            .get_slots_with_token()
            .map_err(hsm_error("the PKCS#11 module lists no slots"))?
            .into_iter()
            .find(|s| {
                context
                    .get_token_info(*s)
                    .is_ok_and(|t| t.label().trim_end() == token)
            })
            .ok_or(Error::InvalidKey {
                reason: "no PKCS#11 token with that label",
            })?;
        let session = context
            .open_ro_session(slot)
            .map_err(hsm_error("the PKCS#11 session did not open"))?;
        // Login is per application: a second key of the same token finds it done.
        match session.login(UserType::User, Some(&AuthPin::new(pin.into()))) {
            Ok(())
            | Err(cryptoki::error::Error::Pkcs11(
                cryptoki::error::RvError::UserAlreadyLoggedIn,
                _,
            )) => {}
            Err(_) => {
                return Err(Error::InvalidKey {
                    reason: "the PKCS#11 login failed: check the user PIN",
                })
            }
        }
        let key = session
            .find_objects(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::Label(key_label.as_bytes().to_vec()),
            ])
            .map_err(hsm_error("the PKCS#11 key search failed"))?
            .into_iter()
            .next()
            .ok_or(Error::InvalidKey {
                reason: "no private key with that label in the token",
            })?;
        Ok(Pkcs11Key {
            session: Mutex::new(session),
            key,
            _context: context,
        })
    }

    fn session(&self) -> Result<std::sync::MutexGuard<'_, Session>, Error> {
        self.session.lock().map_err(|_| Error::InvalidKey {
            reason: "the PKCS#11 session was poisoned by a panic",
        })
    }
}

impl Signer for Pkcs11Key {
    fn sign(
        &self,
        algorithm: SignAlgorithm,
        input: &[u8],
        _digest: &[u8; 32],
    ) -> cardwire::Result<Vec<u8>> {
        let mechanism = match algorithm {
            SignAlgorithm::RsaPssSha256 => Mechanism::Sha256RsaPkcsPss(PkcsPssParams {
                hash_alg: MechanismType::SHA256,
                mgf: PkcsMgfType::MGF1_SHA256,
                s_len: 32.into(),
            }),
            _ => Mechanism::Sha256RsaPkcs,
        };
        self.session()?
            .sign(&mechanism, self.key, input)
            .map_err(hsm_error("the PKCS#11 token refused to sign"))
    }
}

impl Decryptor for Pkcs11Key {
    fn decrypt(&self, padding: RsaPadding, block: &[u8]) -> cardwire::Result<Vec<u8>> {
        let oaep = |hash, mgf| {
            Mechanism::RsaPkcsOaep(PkcsOaepParams::new(hash, mgf, PkcsOaepSource::empty()))
        };
        let mechanism = match padding {
            RsaPadding::OaepSha1 => oaep(MechanismType::SHA1, PkcsMgfType::MGF1_SHA1),
            RsaPadding::OaepSha256 => oaep(MechanismType::SHA256, PkcsMgfType::MGF1_SHA256),
            _ => Mechanism::RsaPkcs,
        };
        // One opaque error for every failure, as the in-process path.
        self.session()?
            .decrypt(&mechanism, self.key, block)
            .map_err(|_| Error::DecryptFailed)
    }
}
