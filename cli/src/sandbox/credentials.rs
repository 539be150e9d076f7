//! The sandbox's credentials: what a merchant needs per provider (the design
//! vocabulary's constructor names plus `base_url`), and the sandbox's own
//! platform keys (`sandbox_private_key_pem`, never needed by a merchant).

use rand::SeedableRng;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use serde_json::{json, Value};

use crate::Fail;

/// Every secret the sandbox holds.
#[derive(Clone)]
pub struct Credentials {
    pub worldcard_app_id: String,
    pub worldcard_merchant_pem: String,
    pub worldcard_merchant_pub: String,
    pub worldcard_platform_pem: String,
    pub worldcard_platform_pub: String,
    pub worldcard_aes: String,
    pub legacy_app_key: String,
    pub legacy_app_secret: String,
    pub wasabi_api_key: String,
    pub wasabi_merchant_pem: String,
    pub wasabi_merchant_pub: String,
    pub wasabi_platform_pem: String,
    pub wasabi_platform_pub: String,
    pub gateway_api_key: String,
    pub pintopay_api_key: String,
    pub pintopay_api_secret: String,
    pub payca_client_id: String,
    pub payca_client_secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials([redacted])")
    }
}

fn keypair(rng: &mut rand_chacha::ChaCha20Rng, bits: usize) -> Result<(String, String), Fail> {
    let key = rsa::RsaPrivateKey::new(rng, bits)
        .map_err(|e| Fail::msg(format!("key generation: {e}")))?;
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| Fail::msg(format!("key encoding: {e}")))?
        .to_string();
    let public = key
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| Fail::msg(format!("key encoding: {e}")))?;
    Ok((pem, public))
}

fn token(rng: &mut rand_chacha::ChaCha20Rng, prefix: &str, bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::RngCore::fill_bytes(rng, &mut b);
    format!("{prefix}{}", cardwire::encoding::hex_encode(&b))
}

/// The merchant-side class of each provider (what a caller of the sandbox constructs).
pub const MERCHANT_CLASSES: [(&str, &str); 6] = [
    ("worldcard", "WorldCardMerchant"),
    ("legacy", "WorldCardLegacy"),
    ("wasabi", "WasabiMerchant"),
    ("gateway", "WasabiGateway"),
    ("pintopay", "PinToPayMerchant"),
    ("payca", "PayCaClient"),
];

impl Credentials {
    /// Fresh credentials; the same ones for the same `seed`.
    pub fn generate(seed: Option<u64>) -> Result<Credentials, Fail> {
        let mut rng = match seed {
            Some(s) => rand_chacha::ChaCha20Rng::seed_from_u64(s),
            None => rand_chacha::ChaCha20Rng::from_entropy(),
        };
        let (wm, wmp) = keypair(&mut rng, 2048)?;
        let (wp, wpp) = keypair(&mut rng, 2048)?;
        // Wasabi's real keys are 1024-bit: the sandbox uses the same size.
        let (sm, smp) = keypair(&mut rng, 1024)?;
        let (sp, spp) = keypair(&mut rng, 1024)?;
        // The legacy appSecret is also the AES-256 key: 32 ASCII bytes.
        let legacy_secret = token(&mut rng, "", 16);
        Ok(Credentials {
            worldcard_app_id: token(&mut rng, "app_", 6),
            worldcard_merchant_pem: wm,
            worldcard_merchant_pub: wmp,
            worldcard_platform_pem: wp,
            worldcard_platform_pub: wpp,
            worldcard_aes: token(&mut rng, "", 32),
            legacy_app_key: token(&mut rng, "lk_", 8),
            legacy_app_secret: legacy_secret,
            wasabi_api_key: token(&mut rng, "wsb_", 8),
            wasabi_merchant_pem: sm,
            wasabi_merchant_pub: smp,
            wasabi_platform_pem: sp,
            wasabi_platform_pub: spp,
            gateway_api_key: token(&mut rng, "gw_", 12),
            pintopay_api_key: token(&mut rng, "ptp_", 8),
            pintopay_api_secret: token(&mut rng, "pts_", 16),
            payca_client_id: token(&mut rng, "cid_", 6),
            payca_client_secret: token(&mut rng, "csec_", 16),
        })
    }

    /// The merchant-facing JSON (`--credentials-out`), with the sandbox's own
    /// platform keys beside, so `--credentials` can load the same sandbox.
    pub fn to_json(&self, base: &str) -> Value {
        let mut file = self.entries(base);
        // Each provider's merchant class and its constructor options, taken
        // from the entries the class's constructor names (the vocabulary's
        // list, not a copy): `new PayCaClient(creds.payca.options)`,
        // `PayCaClient(**creds["payca"]["options"])`.
        for (provider, class) in MERCHANT_CLASSES {
            let Some(entry) = file.get_mut(provider).and_then(Value::as_object_mut) else {
                continue;
            };
            let ctor = cardwire::api::vocab::class(class).map_or(&[][..], |c| c.ctor);
            let options: serde_json::Map<String, Value> = ctor
                .iter()
                .filter_map(|p| entry.get(p.name).map(|v| (p.name.to_owned(), v.clone())))
                .collect();
            entry.insert("class".to_owned(), json!(class));
            entry.insert("options".to_owned(), Value::Object(options));
        }
        file
    }

    fn entries(&self, base: &str) -> Value {
        json!({
            "worldcard": {
                "base_url": format!("{base}/worldcard"),
                "app_id": self.worldcard_app_id,
                "private_key_pem": self.worldcard_merchant_pem,
                "aes_key": self.worldcard_aes,
                "platform_public_key_pem": self.worldcard_platform_pub,
                "sandbox_private_key_pem": self.worldcard_platform_pem,
            },
            "legacy": {
                "base_url": format!("{base}/legacy"),
                "app_key": self.legacy_app_key,
                "app_secret": self.legacy_app_secret,
            },
            "wasabi": {
                "base_url": format!("{base}/wasabi"),
                "api_key": self.wasabi_api_key,
                "private_key_pem": self.wasabi_merchant_pem,
                "platform_public_key_pem": self.wasabi_platform_pub,
                "sandbox_private_key_pem": self.wasabi_platform_pem,
            },
            "gateway": { "base_url": format!("{base}/gateway"), "api_key": self.gateway_api_key },
            "pintopay": {
                "base_url": format!("{base}/pintopay"),
                "api_key": self.pintopay_api_key,
                "api_secret": self.pintopay_api_secret,
            },
            "payca": {
                "base_url": format!("{base}/payca"),
                "client_id": self.payca_client_id,
                "client_secret": self.payca_client_secret,
            },
        })
    }

    /// Loads what [`to_json`](Self::to_json) wrote.
    pub fn from_json(v: &Value) -> Result<Credentials, Fail> {
        let s = |p: &str, k: &str| -> Result<String, Fail> {
            v.get(p)
                .and_then(|o| o.get(k))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| Fail::msg(format!("credentials file: {p}.{k} is missing")))
        };
        let public_of = |pem: &str| -> Result<String, Fail> {
            let key = cardwire::RsaPrivateKey::parse(pem)
                .map_err(|e| Fail::msg(format!("credentials file: {e}")))?;
            key.public_key()
                .to_pem()
                .map_err(|e| Fail::msg(format!("credentials file: {e}")))
        };
        let wm = s("worldcard", "private_key_pem")?;
        let sm = s("wasabi", "private_key_pem")?;
        let wp = s("worldcard", "sandbox_private_key_pem")?;
        let sp = s("wasabi", "sandbox_private_key_pem")?;
        Ok(Credentials {
            worldcard_app_id: s("worldcard", "app_id")?,
            worldcard_merchant_pub: public_of(&wm)?,
            worldcard_merchant_pem: wm,
            worldcard_platform_pub: s("worldcard", "platform_public_key_pem")?,
            worldcard_platform_pem: wp,
            worldcard_aes: s("worldcard", "aes_key")?,
            legacy_app_key: s("legacy", "app_key")?,
            legacy_app_secret: s("legacy", "app_secret")?,
            wasabi_api_key: s("wasabi", "api_key")?,
            wasabi_merchant_pub: public_of(&sm)?,
            wasabi_merchant_pem: sm,
            wasabi_platform_pub: s("wasabi", "platform_public_key_pem")?,
            wasabi_platform_pem: sp,
            gateway_api_key: s("gateway", "api_key")?,
            pintopay_api_key: s("pintopay", "api_key")?,
            pintopay_api_secret: s("pintopay", "api_secret")?,
            payca_client_id: s("payca", "client_id")?,
            payca_client_secret: s("payca", "client_secret")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_provider_entry_carries_its_merchant_class_options_complete() {
        let creds = Credentials::generate(Some(7)).expect("credentials");
        let file = creds.to_json("http://127.0.0.1:1");
        for (provider, class) in MERCHANT_CLASSES {
            let c = cardwire::api::vocab::class(class).expect("a class of the vocabulary");
            assert_eq!(c.side, "merchant", "{class}");
            let entry = &file[provider];
            assert_eq!(entry["class"], class);
            let options = entry["options"].as_object().expect("options");
            for p in c.ctor.iter().filter(|p| p.required) {
                assert!(
                    options.contains_key(p.name),
                    "{provider}: {class} needs {}",
                    p.name
                );
            }
            // Everything in options is a constructor option, and the same text as the entry's.
            for (k, v) in options {
                assert!(c.ctor.iter().any(|p| p.name == k), "{provider}.{k}");
                assert_eq!(&entry[k.as_str()], v);
            }
        }
    }
}
