//! cardwire for JavaScript (browsers, Node ≥ 18, workers), via wasm-bindgen.
//!
//! Thin by design: this crate converts JavaScript values to the core's types
//! and maps errors to `CardwireError`; every rule lives in the core. Host
//! defaults: `now` is `Date.now()`, nonces and randomness come from
//! `crypto.getRandomValues` (getrandom's `js` backend); both can be passed
//! explicitly.

#![allow(clippy::new_without_default)]

mod convert;

use cardwire::{payca, pintopay, validate as v, wasabi, worldcard, worldcard_legacy};
use cardwire::{AesKey, MemoryReplayGuard, RsaPrivateKey, RsaPublicKey};
use convert::*;
use serde_json::Value;
use wasm_bindgen::prelude::*;

type JsResult<T> = Result<T, JsValue>;

// ---------------------------------------------------------------- WorldCard

/// WorldCard `Card/*`, merchant side.
#[wasm_bindgen]
#[derive(Debug)]
pub struct WorldCardMerchant {
    inner: worldcard::Merchant,
    guard: MemoryReplayGuard,
}

#[wasm_bindgen]
impl WorldCardMerchant {
    /// `{ appId, privateKeyPem, aesKey, platformPublicKeyPem?, webhookWindowMs?, strictPssSalt?, validate? }`
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<WorldCardMerchant> {
        let o = Opts::new(&options)?;
        let keys = worldcard::MerchantKeys {
            app_id: o.req_str("appId")?,
            private_key: RsaPrivateKey::parse(&o.req_str("privateKeyPem")?).map_err(err)?,
            aes_key: AesKey::parse(&o.req_str("aesKey")?).map_err(err)?,
            platform_public_key: o
                .opt_str("platformPublicKeyPem")?
                .map(|k| RsaPublicKey::parse(&k))
                .transpose()
                .map_err(err)?,
        };
        let mut config = worldcard::MerchantConfig::default()
            .with_validation(o.opt_bool("validate")?.unwrap_or(true))
            .with_delivery(delivery_of(&o)?);
        if o.opt_bool("strictPssSalt")? == Some(true) {
            config = config.with_pss_salt(cardwire::crypto::rsa_pss::PssSaltPolicy::Strict32);
        }
        Ok(WorldCardMerchant {
            inner: worldcard::Merchant::with_config(keys, config).map_err(err)?,
            guard: MemoryReplayGuard::default(),
        })
    }

    /// `buildRequest(path, payload, { timestamp?, nonce?, random?, validate? })`
    #[wasm_bindgen(js_name = buildRequest)]
    pub fn build_request(
        &self,
        path: JsValue,
        payload: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let path = &str_arg(&path, "path")?;
        let o = Opts::new(&options)?;
        let payload = payload_of(&payload)?;
        let timestamp = o.opt_u64("timestamp")?.unwrap_or_else(|| now_ms() / 1000);
        let nonce = match o.opt_str("nonce")? {
            Some(n) => n,
            None => random_hex(16)?,
        };
        let mut rng = rng_from(&o)?;
        let stamp = worldcard::Stamp {
            unix_seconds: timestamp,
            nonce: &nonce,
        };
        let req = if o.opt_bool("validate")? == Some(false) {
            self.inner
                .build_request_unvalidated(path, payload.as_payload(), stamp, &mut rng)
        } else {
            self.inner
                .build_request(path, payload.as_payload(), stamp, &mut rng)
        };
        request_out(&req.map_err(err)?)
    }

    /// `openResponse(body, { status? })` → `{ code, message, data }`
    #[wasm_bindgen(js_name = openResponse)]
    pub fn open_response(&self, body: JsValue, options: JsValue) -> JsResult<JsValue> {
        let o = Opts::new(&options)?;
        to_js(
            &self
                .inner
                .open_response(&bytes_of(&body)?, o.opt_u16("status")?)
                .map_err(err)?,
        )
    }

    /// `decryptField(value)` → string
    #[wasm_bindgen(js_name = decryptField)]
    pub fn decrypt_field(&self, value: JsValue) -> JsResult<String> {
        let value = &str_arg(&value, "value")?;
        self.inner.decrypt_field(value).map_err(err)
    }

    /// `verifyWebhook(headers, body, { now? })` → `{ type, data, raw, duplicate, deliveryId, timestampMs }`
    #[wasm_bindgen(js_name = verifyWebhook)]
    pub fn verify_webhook(
        &mut self,
        headers: JsValue,
        body: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let o = Opts::new(&options)?;
        let now = o.opt_u64("now")?.unwrap_or_else(now_ms);
        let ev = self
            .inner
            .verify_webhook(
                &headers_of(&headers)?,
                &bytes_of(&body)?,
                now,
                &mut self.guard,
            )
            .map_err(err)?;
        event_out(&ev, tagged_data(&ev.event)?)
    }

    /// `WorldCardMerchant.webhookAck()` → `{ status: 200, headers, body: "ok" }`
    #[wasm_bindgen(js_name = webhookAck)]
    pub fn webhook_ack() -> JsResult<JsValue> {
        response_out(&worldcard::Merchant::webhook_ack())
    }
}

/// WorldCard `Card/*`, platform side (for test doubles and sandboxes).
#[wasm_bindgen]
#[derive(Debug)]
pub struct WorldCardPlatform {
    inner: worldcard::Platform,
    app_id: String,
    guard: MemoryReplayGuard,
}

#[wasm_bindgen]
impl WorldCardPlatform {
    /// `{ appId, merchantPublicKeyPem, aesKey, platformPrivateKeyPem }`
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<WorldCardPlatform> {
        let o = Opts::new(&options)?;
        let app_id = o.req_str("appId")?;
        let record = worldcard::MerchantRecord {
            app_id: app_id.clone(),
            public_key: RsaPublicKey::parse(&o.req_str("merchantPublicKeyPem")?).map_err(err)?,
            aes_key: AesKey::parse(&o.req_str("aesKey")?).map_err(err)?,
        };
        let private = o
            .opt_str("platformPrivateKeyPem")?
            .map(|k| RsaPrivateKey::parse(&k))
            .transpose()
            .map_err(err)?;
        Ok(WorldCardPlatform {
            inner: worldcard::Platform::new(vec![record], private).map_err(err)?,
            app_id,
            guard: MemoryReplayGuard::default(),
        })
    }

    /// `verifyRequest(headers, body, { path?, now? })` → the decrypted payload
    #[wasm_bindgen(js_name = verifyRequest)]
    pub fn verify_request(
        &mut self,
        headers: JsValue,
        body: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let o = Opts::new(&options)?;
        let now = o.opt_u64("now")?.unwrap_or_else(now_ms) / 1000;
        let h = headers_of(&headers)?;
        let b = bytes_of(&body)?;
        let r = match o.opt_str("path")? {
            Some(p) => self
                .inner
                .verify_request_for(&h, &p, &b, now, &mut self.guard),
            None => self.inner.verify_request(&h, &b, now, &mut self.guard),
        };
        to_js(&r.map_err(err)?.json)
    }

    /// `sealResponse(data)` → `{ status, headers, body }`
    #[wasm_bindgen(js_name = sealResponse)]
    pub fn seal_response(&self, data: JsValue) -> JsResult<JsValue> {
        let d = payload_of(&data)?;
        let mut rng = os_rng();
        response_out(
            &self
                .inner
                .seal_response(&self.app_id, Some(d.as_payload()), &mut rng)
                .map_err(err)?,
        )
    }

    /// `signWebhook(eventType, data, { timestamp?, nonce? })` → `{ headers, body }`
    #[wasm_bindgen(js_name = signWebhook)]
    pub fn sign_webhook(
        &self,
        event_type: JsValue,
        data: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let event_type = &str_arg(&event_type, "event_type")?;
        let o = Opts::new(&options)?;
        let d = payload_of(&data)?;
        let ts = o.opt_u64("timestamp")?.unwrap_or_else(now_ms);
        let nonce = match o.opt_str("nonce")? {
            Some(n) => n,
            None => random_hex(16)?,
        };
        let mut rng = rng_from(&o)?;
        webhook_out(
            &self
                .inner
                .sign_webhook(
                    &self.app_id,
                    event_type,
                    d.as_payload(),
                    ts,
                    &nonce,
                    &mut rng,
                )
                .map_err(err)?,
        )
    }

    /// `WorldCardPlatform.rejection(error)` → the platform's documented answer to a failed check.
    pub fn rejection(error: JsValue) -> JsResult<JsValue> {
        response_out(&worldcard::Platform::rejection(&error_from_js(&error)))
    }
}

// ---------------------------------------------------------- WorldCard legacy

/// WorldCard legacy card and Transfer V4 (MD5 signing, AES-ECB).
#[wasm_bindgen]
#[derive(Debug)]
pub struct WorldCardLegacy {
    inner: worldcard_legacy::Client,
    guard: MemoryReplayGuard,
}

#[wasm_bindgen]
impl WorldCardLegacy {
    /// `{ appKey, appSecret, paramsIn?: "body" | "query" }`
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<WorldCardLegacy> {
        let o = Opts::new(&options)?;
        let mut c = worldcard_legacy::Client::new(&o.req_str("appKey")?, &o.req_str("appSecret")?)
            .map_err(err)?
            .with_validation(o.opt_bool("validate")?.unwrap_or(true))
            .with_delivery(delivery_of(&o)?);
        match o.opt_str("paramsIn")?.as_deref() {
            None | Some("body") => {}
            Some("query") => c = c.with_placement(worldcard_legacy::ParamPlacement::Query),
            Some(_) => return Err(invalid("paramsIn must be \"body\" or \"query\"")),
        }
        Ok(WorldCardLegacy {
            inner: c,
            guard: MemoryReplayGuard::default(),
        })
    }

    /// `buildRequest(path, payload, { timestamp?, nonce? })`
    #[wasm_bindgen(js_name = buildRequest)]
    pub fn build_request(
        &self,
        path: JsValue,
        payload: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let path = &str_arg(&path, "path")?;
        let o = Opts::new(&options)?;
        let p = payload_of(&payload)?;
        let ts = o.opt_u64("timestamp")?.unwrap_or_else(now_ms);
        let nonce = match o.opt_str("nonce")? {
            Some(n) => n,
            None => random_hex(8)?,
        };
        let r = if o.opt_bool("validate")? == Some(false) {
            self.inner
                .build_request_unvalidated(path, p.as_payload(), ts, &nonce)
        } else {
            self.inner.build_request(path, p.as_payload(), ts, &nonce)
        };
        request_out(&r.map_err(err)?)
    }

    /// `openResponse(body, { status? })` → `data` with sensitive fields decrypted
    #[wasm_bindgen(js_name = openResponse)]
    pub fn open_response(&self, body: JsValue, options: JsValue) -> JsResult<JsValue> {
        let o = Opts::new(&options)?;
        to_js(
            &self
                .inner
                .open_response(&bytes_of(&body)?, o.opt_u16("status")?)
                .map_err(err)?,
        )
    }

    /// `decryptField(value)` (AES-ECB keyed by the appSecret)
    #[wasm_bindgen(js_name = decryptField)]
    pub fn decrypt_field(&self, value: JsValue) -> JsResult<String> {
        let value = &str_arg(&value, "value")?;
        self.inner.decrypt_field(value).map_err(err)
    }

    /// `encryptField(value)`
    #[wasm_bindgen(js_name = encryptField)]
    pub fn encrypt_field(&self, value: JsValue) -> JsResult<String> {
        let value = &str_arg(&value, "value")?;
        self.inner.encrypt_field(value).map_err(err)
    }

    /// `verifyWebhook(headers, body, { now? })` (the headers are not used: legacy webhooks sign their body)
    #[wasm_bindgen(js_name = verifyWebhook)]
    pub fn verify_webhook(
        &mut self,
        _headers: JsValue,
        body: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let o = Opts::new(&options)?;
        let now = o.opt_u64("now")?.unwrap_or_else(now_ms);
        let ev = self
            .inner
            .verify_webhook(&bytes_of(&body)?, now, &mut self.guard)
            .map_err(err)?;
        event_out(&ev, tagged_data(&ev.event)?)
    }

    /// `WorldCardLegacy.webhookAck()` → 200 `ok`
    #[wasm_bindgen(js_name = webhookAck)]
    pub fn webhook_ack() -> JsResult<JsValue> {
        response_out(&worldcard_legacy::Client::webhook_ack())
    }
}

// ------------------------------------------------------------------- Wasabi

/// Wasabi Card Open API, merchant side.
#[wasm_bindgen]
#[derive(Debug)]
pub struct WasabiMerchant {
    inner: wasabi::Merchant,
    guard: MemoryReplayGuard,
}

fn padding_of(name: Option<String>) -> JsResult<wasabi::RsaPadding> {
    match name.as_deref() {
        None | Some("pkcs1v15") => Ok(wasabi::RsaPadding::Pkcs1v15),
        Some("oaep-sha1") => Ok(wasabi::RsaPadding::OaepSha1),
        Some("oaep-sha256") => Ok(wasabi::RsaPadding::OaepSha256),
        Some(_) => Err(invalid(
            "padding must be \"pkcs1v15\", \"oaep-sha1\" or \"oaep-sha256\"",
        )),
    }
}

#[wasm_bindgen]
impl WasabiMerchant {
    /// `{ apiKey, privateKeyPem, platformPublicKeyPem?, responseSignature?: "require" | "verify-if-present" | "off", fieldPadding? }`
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<WasabiMerchant> {
        let o = Opts::new(&options)?;
        let keys = wasabi::MerchantKeys {
            api_key: o.req_str("apiKey")?,
            private_key: RsaPrivateKey::parse(&o.req_str("privateKeyPem")?).map_err(err)?,
            platform_public_key: o
                .opt_str("platformPublicKeyPem")?
                .map(|k| RsaPublicKey::parse(&k))
                .transpose()
                .map_err(err)?,
        };
        let policy = match o.opt_str("responseSignature")?.as_deref() {
            None | Some("require") => wasabi::ResponseSignaturePolicy::Require,
            Some("verify-if-present") => wasabi::ResponseSignaturePolicy::VerifyIfPresent,
            Some("off") => wasabi::ResponseSignaturePolicy::Off,
            Some(_) => {
                return Err(invalid(
                    "responseSignature must be \"require\", \"verify-if-present\" or \"off\"",
                ))
            }
        };
        let config = wasabi::MerchantConfig::default()
            .with_response_signature(policy)
            .with_field_padding(padding_of(o.opt_str("fieldPadding")?)?)
            .with_validation(o.opt_bool("validate")?.unwrap_or(true))
            .with_delivery(delivery_of(&o)?);
        Ok(WasabiMerchant {
            inner: wasabi::Merchant::with_config(keys, config).map_err(err)?,
            guard: MemoryReplayGuard::default(),
        })
    }

    /// `buildRequest(path, payload?, { validate? })` (no payload sends and signs `{}`)
    #[wasm_bindgen(js_name = buildRequest)]
    pub fn build_request(
        &self,
        path: JsValue,
        payload: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let path = &str_arg(&path, "path")?;
        let o = Opts::new(&options)?;
        let p = if payload.is_undefined() || payload.is_null() {
            None
        } else {
            Some(payload_of(&payload)?)
        };
        let mut rng = os_rng();
        let payload = p.as_ref().map(Owned::as_payload);
        let r = if o.opt_bool("validate")? == Some(false) {
            self.inner
                .build_request_unvalidated(path, payload, &mut rng)
        } else {
            self.inner.build_request(path, payload, &mut rng)
        };
        request_out(&r.map_err(err)?)
    }

    /// `uploadFile({ filename, contentType, bytes, category })` (multipart, signed over `{}`)
    #[wasm_bindgen(js_name = uploadFile)]
    pub fn upload_file(&self, file: JsValue) -> JsResult<JsValue> {
        let o = Opts::new(&file)?;
        let bytes = bytes_of(&o.get("bytes")?)?;
        let mut rng = os_rng();
        request_out(
            &self
                .inner
                .upload_file(
                    &o.req_str("filename")?,
                    &o.req_str("contentType")?,
                    &bytes,
                    &o.req_str("category")?,
                    &mut rng,
                )
                .map_err(err)?,
        )
    }

    /// `openResponse(headers, body, { status? })` → `{ code, msg, data, signatureVerified }`
    #[wasm_bindgen(js_name = openResponse)]
    pub fn open_response(
        &self,
        headers: JsValue,
        body: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let o = Opts::new(&options)?;
        let r = self
            .inner
            .open_response(
                &headers_of(&headers)?,
                &bytes_of(&body)?,
                o.opt_u16("status")?,
            )
            .map_err(err)?;
        to_js(
            &serde_json::json!({"code": r.code, "msg": r.msg, "data": r.data, "signatureVerified": r.signature_verified}),
        )
    }

    /// `decryptField(value)` (RSA, merchant private key)
    #[wasm_bindgen(js_name = decryptField)]
    pub fn decrypt_field(&self, value: JsValue) -> JsResult<String> {
        let value = &str_arg(&value, "value")?;
        self.inner.decrypt_field(value, &mut os_rng()).map_err(err)
    }

    /// `openSensitive(data)` → the object with `cardNumber`, `cvv`, `expireDate`, `activateUrl`, `values` decrypted
    #[wasm_bindgen(js_name = openSensitive)]
    pub fn open_sensitive(&self, data: JsValue) -> JsResult<JsValue> {
        let v: Value = value_of(&data)?;
        to_js(&self.inner.open_sensitive(&v, &mut os_rng()).map_err(err)?)
    }

    /// `verifyWebhook(headers, body, { now? })` → `{ type, data, raw, duplicate, deliveryId, id, dedupKey }`
    #[wasm_bindgen(js_name = verifyWebhook)]
    pub fn verify_webhook(
        &mut self,
        headers: JsValue,
        body: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let o = Opts::new(&options)?;
        let now = o.opt_u64("now")?.unwrap_or_else(now_ms);
        let ev = self
            .inner
            .verify_webhook(
                &headers_of(&headers)?,
                &bytes_of(&body)?,
                now,
                &mut self.guard,
            )
            .map_err(err)?;
        event_out(&ev, ev.event.data.clone())
    }

    /// `WasabiMerchant.webhookAck()` → 200 `{"success":true,"code":200,...}`
    #[wasm_bindgen(js_name = webhookAck)]
    pub fn webhook_ack() -> JsResult<JsValue> {
        response_out(&wasabi::Merchant::webhook_ack())
    }
}

/// Wasabi Card Open API, platform side.
#[wasm_bindgen]
#[derive(Debug)]
pub struct WasabiPlatform {
    inner: wasabi::Platform,
}

#[wasm_bindgen]
impl WasabiPlatform {
    /// `{ apiKey, platformPrivateKeyPem, merchantPublicKeyPem }`
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<WasabiPlatform> {
        let o = Opts::new(&options)?;
        let inner = wasabi::Platform::new(
            &o.req_str("apiKey")?,
            RsaPrivateKey::parse(&o.req_str("platformPrivateKeyPem")?).map_err(err)?,
            RsaPublicKey::parse(&o.req_str("merchantPublicKeyPem")?).map_err(err)?,
        )
        .map_err(err)?;
        Ok(WasabiPlatform { inner })
    }

    /// `verifyRequest(headers, body)` → the JSON body
    #[wasm_bindgen(js_name = verifyRequest)]
    pub fn verify_request(&self, headers: JsValue, body: JsValue) -> JsResult<JsValue> {
        to_js(
            &self
                .inner
                .verify_request(&headers_of(&headers)?, &bytes_of(&body)?)
                .map_err(err)?,
        )
    }

    /// `signResponse(data)` → `{ status, headers, body }`
    #[wasm_bindgen(js_name = signResponse)]
    pub fn sign_response(&self, data: JsValue) -> JsResult<JsValue> {
        let d = payload_of(&data)?;
        response_out(
            &self
                .inner
                .sign_response(d.as_payload(), &mut os_rng())
                .map_err(err)?,
        )
    }

    /// `signNotification(category, data, requestId)` → `{ headers, body }`
    #[wasm_bindgen(js_name = signNotification)]
    pub fn sign_notification(
        &self,
        category: JsValue,
        data: JsValue,
        request_id: JsValue,
    ) -> JsResult<JsValue> {
        let category = &str_arg(&category, "category")?;
        let request_id = &str_arg(&request_id, "request_id")?;
        let d = payload_of(&data)?;
        webhook_out(
            &self
                .inner
                .sign_notification(category, d.as_payload(), request_id, &mut os_rng())
                .map_err(err)?,
        )
    }

    /// `encryptField(text, padding?)` → Base64
    #[wasm_bindgen(js_name = encryptField)]
    pub fn encrypt_field(&self, text: JsValue, padding: JsValue) -> JsResult<String> {
        let text = &str_arg(&text, "text")?;
        let padding = opt_str_arg(&padding, "padding")?;
        self.inner
            .encrypt_field(text, padding_of(padding)?, &mut os_rng())
            .map_err(err)
    }

    /// `WasabiPlatform.isAcknowledged(status, body)`
    #[wasm_bindgen(js_name = isAcknowledged)]
    pub fn is_acknowledged(status: JsValue, body: JsValue) -> JsResult<bool> {
        let status: u16 = num_arg(&status, "status")?;
        Ok(wasabi::Platform::is_acknowledged(status, &bytes_of(&body)?))
    }
}

/// The Wasabi Card API gateway.
#[wasm_bindgen]
#[derive(Debug)]
pub struct WasabiGateway {
    inner: wasabi::Gateway,
}

#[wasm_bindgen]
impl WasabiGateway {
    /// `{ apiKey }`
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<WasabiGateway> {
        let o = Opts::new(&options)?;
        Ok(WasabiGateway {
            inner: wasabi::Gateway::new(&o.req_str("apiKey")?)
                .map_err(err)?
                .with_validation(o.opt_bool("validate")?.unwrap_or(true)),
        })
    }

    /// `buildRequest(endpoint, params?, { method?, validate? })` (`method` names the
    /// operation on `work-orders/`: `GET` lists, `POST` submits)
    #[wasm_bindgen(js_name = buildRequest)]
    pub fn build_request(
        &self,
        endpoint: JsValue,
        params: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let endpoint = &str_arg(&endpoint, "endpoint")?;
        let o = Opts::new(&options)?;
        let p = if params.is_undefined() || params.is_null() {
            None
        } else {
            Some(payload_of(&params)?)
        };
        let params = p.as_ref().map(Owned::as_payload);
        let method = o.opt_str("method")?;
        let r = if o.opt_bool("validate")? == Some(false) {
            self.inner
                .build_request_unvalidated(endpoint, method.as_deref(), params)
        } else {
            self.inner
                .build_request(endpoint, method.as_deref(), params)
        };
        request_out(&r.map_err(err)?)
    }

    /// `openResponse(status, headers, body, { path, now? })` → `data` (`path`, the
    /// endpoint called, decides whether a failure is retryable: never a 5xx
    /// on a money movement)
    #[wasm_bindgen(js_name = openResponse)]
    pub fn open_response(
        &self,
        status: JsValue,
        headers: JsValue,
        body: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let status: u16 = num_arg(&status, "status")?;
        let o = Opts::new(&options)?;
        let path = o.req_str("path")?;
        let now = o.opt_u64("now")?.unwrap_or_else(now_ms);
        to_js(
            &self
                .inner
                .open_response(
                    &path,
                    status,
                    &headers_of(&headers)?,
                    &bytes_of(&body)?,
                    now,
                )
                .map_err(err)?,
        )
    }

    /// `retryDecision(endpoint, error, attempts)` → `{ retry, delayMs, reason }`
    #[wasm_bindgen(js_name = retryDecision)]
    pub fn retry_decision(
        &self,
        endpoint: JsValue,
        error: JsValue,
        attempts: JsValue,
    ) -> JsResult<JsValue> {
        let endpoint = &str_arg(&endpoint, "endpoint")?;
        let attempts: u32 = num_arg(&attempts, "attempts")?;
        let d = self
            .inner
            .retry_policy()
            .decide(endpoint, &error_from_js(&error), attempts);
        to_js(&serde_json::json!({"retry": d.retry, "delayMs": d.delay_ms, "reason": d.reason}))
    }

    /// `WasabiGateway.parseWebhookEvents(data)` → the typed page of stored events
    #[wasm_bindgen(js_name = parseWebhookEvents)]
    pub fn parse_webhook_events(data: JsValue) -> JsResult<JsValue> {
        let v = value_of(&data)?;
        to_js(&wasabi::Gateway::parse_webhook_events(&v).map_err(err)?)
    }
}

// ----------------------------------------------------------------- PinToPay

/// PinToPay, merchant side.
#[wasm_bindgen]
#[derive(Debug)]
pub struct PinToPayMerchant {
    inner: pintopay::Merchant,
    guard: MemoryReplayGuard,
}

#[wasm_bindgen]
impl PinToPayMerchant {
    /// `{ apiKey, apiSecret }`
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<PinToPayMerchant> {
        let o = Opts::new(&options)?;
        Ok(PinToPayMerchant {
            inner: pintopay::Merchant::new(&o.req_str("apiKey")?, &o.req_str("apiSecret")?)
                .map_err(err)?
                .with_validation(o.opt_bool("validate")?.unwrap_or(true))
                .with_delivery(delivery_of(&o)?),
            guard: MemoryReplayGuard::default(),
        })
    }

    /// `buildRequest(path, payload, { timestamp? (µs), idempotencyKey? })`
    #[wasm_bindgen(js_name = buildRequest)]
    pub fn build_request(
        &self,
        path: JsValue,
        payload: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let path = &str_arg(&path, "path")?;
        let o = Opts::new(&options)?;
        let p = payload_of(&payload)?;
        let ts = o
            .opt_u64("timestamp")?
            .unwrap_or_else(|| now_ms().saturating_mul(1000));
        let key = o.opt_str("idempotencyKey")?;
        let mut rng = rng_from(&o)?;
        let r = if o.opt_bool("validate")? == Some(false) {
            self.inner
                .build_request_unvalidated(path, p.as_payload(), ts, key.as_deref(), &mut rng)
        } else {
            self.inner
                .build_request(path, p.as_payload(), ts, key.as_deref(), &mut rng)
        };
        request_out(&r.map_err(err)?)
    }

    /// `openResponse(body, { status? })` → the decrypted JSON
    #[wasm_bindgen(js_name = openResponse)]
    pub fn open_response(&self, body: JsValue, options: JsValue) -> JsResult<JsValue> {
        let o = Opts::new(&options)?;
        to_js(
            &self
                .inner
                .open_response(&bytes_of(&body)?, o.opt_u16("status")?)
                .map_err(err)?,
        )
    }

    /// `verifyWebhook(headers, body, { now? })` → `{ type, data, raw, duplicate, deliveryId }`
    #[wasm_bindgen(js_name = verifyWebhook)]
    pub fn verify_webhook(
        &mut self,
        headers: JsValue,
        body: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let o = Opts::new(&options)?;
        let now = o.opt_u64("now")?.unwrap_or_else(now_ms);
        let ev = self
            .inner
            .verify_webhook(
                &headers_of(&headers)?,
                &bytes_of(&body)?,
                now,
                &mut self.guard,
            )
            .map_err(err)?;
        event_out(&ev, ev.event.clone())
    }

    /// `PinToPayMerchant.webhookAck()` → 200 `{"success":true}`
    #[wasm_bindgen(js_name = webhookAck)]
    pub fn webhook_ack() -> JsResult<JsValue> {
        response_out(&pintopay::Merchant::webhook_ack())
    }
}

/// PinToPay, platform side.
#[wasm_bindgen]
#[derive(Debug)]
pub struct PinToPayPlatform {
    inner: pintopay::Platform,
    guard: MemoryReplayGuard,
}

#[wasm_bindgen]
impl PinToPayPlatform {
    /// `{ apiKey, apiSecret }`
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<PinToPayPlatform> {
        let o = Opts::new(&options)?;
        Ok(PinToPayPlatform {
            inner: pintopay::Platform::new(&o.req_str("apiKey")?, &o.req_str("apiSecret")?)
                .map_err(err)?,
            guard: MemoryReplayGuard::default(),
        })
    }

    /// `verifyRequest(headers, body, { path, now? })` → the decrypted payload
    #[wasm_bindgen(js_name = verifyRequest)]
    pub fn verify_request(
        &mut self,
        headers: JsValue,
        body: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let o = Opts::new(&options)?;
        let now_us = o
            .opt_u64("now")?
            .unwrap_or_else(now_ms)
            .saturating_mul(1000);
        let path = o.req_str("path")?;
        let r = self
            .inner
            .verify_request(
                &headers_of(&headers)?,
                &path,
                &bytes_of(&body)?,
                now_us,
                &mut self.guard,
            )
            .map_err(err)?;
        to_js(&r.payload)
    }

    /// `sealResponse(data)`
    #[wasm_bindgen(js_name = sealResponse)]
    pub fn seal_response(&self, data: JsValue) -> JsResult<JsValue> {
        let d = payload_of(&data)?;
        response_out(
            &self
                .inner
                .seal_response(d.as_payload(), &mut os_rng())
                .map_err(err)?,
        )
    }

    /// `sealError(status, slug, message)`
    #[wasm_bindgen(js_name = sealError)]
    pub fn seal_error(
        &self,
        status: JsValue,
        slug: JsValue,
        message: JsValue,
    ) -> JsResult<JsValue> {
        let status: u16 = num_arg(&status, "status")?;
        let slug = &str_arg(&slug, "slug")?;
        let message = &str_arg(&message, "message")?;
        response_out(&self.inner.seal_error(status, slug, message, &mut os_rng()))
    }

    /// `signWebhook(eventType, data)` (PinToPay seals webhooks; the name matches the other providers)
    #[wasm_bindgen(js_name = signWebhook)]
    pub fn sign_webhook(&self, event_type: JsValue, data: JsValue) -> JsResult<JsValue> {
        let event_type = &str_arg(&event_type, "event_type")?;
        let d = payload_of(&data)?;
        webhook_out(
            &self
                .inner
                .seal_webhook(event_type, d.as_payload(), &mut os_rng())
                .map_err(err)?,
        )
    }
}

// -------------------------------------------------------------------- PayCA

/// PayCA client side.
#[wasm_bindgen]
#[derive(Debug)]
pub struct PayCaClient {
    inner: payca::Client,
    guard: MemoryReplayGuard,
}

#[wasm_bindgen]
impl PayCaClient {
    /// `{ clientId, clientSecret }`
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<PayCaClient> {
        let o = Opts::new(&options)?;
        Ok(PayCaClient {
            inner: payca::Client::new(&o.req_str("clientId")?, &o.req_str("clientSecret")?)
                .map_err(err)?
                .with_validation(o.opt_bool("validate")?.unwrap_or(true))
                .with_delivery(delivery_of(&o)?),
            guard: MemoryReplayGuard::default(),
        })
    }

    /// `buildRequest(path, payload?, { method?, pathParams?, query?, idempotencyKey?, requestId? })`
    #[wasm_bindgen(js_name = buildRequest)]
    pub fn build_request(
        &self,
        path: JsValue,
        payload: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let path = &str_arg(&path, "path")?;
        let o = Opts::new(&options)?;
        let body = if payload.is_undefined() || payload.is_null() {
            None
        } else {
            Some(payload_of(&payload)?)
        };
        let method = o.opt_str("method")?;
        let path_params = o.opt_pairs("pathParams")?;
        let query = o.opt_pairs("query")?;
        let pp: Vec<(&str, &str)> = path_params
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let q: Vec<(&str, &str)> = query
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let key = o.opt_str("idempotencyKey")?;
        let rid = o.opt_str("requestId")?;
        let req = payca::Request {
            method: method.as_deref(),
            path,
            path_params: &pp,
            query: &q,
            body: body.as_ref().map(Owned::as_payload),
            idempotency_key: key.as_deref(),
            request_id: rid.as_deref(),
            validate: o.opt_bool("validate")?,
        };
        request_out(&self.inner.build_request(req).map_err(err)?)
    }

    /// `uploadKycDocument(userId, { filename, contentType, bytes }, type, { idempotencyKey? })`
    #[wasm_bindgen(js_name = uploadKycDocument)]
    pub fn upload_kyc_document(
        &self,
        user_id: JsValue,
        file: JsValue,
        document_type: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let user_id = &str_arg(&user_id, "user_id")?;
        let document_type = &str_arg(&document_type, "document_type")?;
        let f = Opts::new(&file)?;
        let o = Opts::new(&options)?;
        let bytes = bytes_of(&f.get("bytes")?)?;
        let (name, ct) = (f.req_str("filename")?, f.req_str("contentType")?);
        let upload = payca::FileUpload {
            filename: &name,
            content_type: &ct,
            bytes: &bytes,
        };
        let key = o.opt_str("idempotencyKey")?;
        request_out(
            &self
                .inner
                .upload_kyc_document(
                    user_id,
                    upload,
                    document_type,
                    key.as_deref(),
                    &mut os_rng(),
                )
                .map_err(err)?,
        )
    }

    /// `uploadCardholderFile({ filename, contentType, bytes }, { idempotencyKey? })`
    #[wasm_bindgen(js_name = uploadCardholderFile)]
    pub fn upload_cardholder_file(&self, file: JsValue, options: JsValue) -> JsResult<JsValue> {
        let f = Opts::new(&file)?;
        let o = Opts::new(&options)?;
        let bytes = bytes_of(&f.get("bytes")?)?;
        let (name, ct) = (f.req_str("filename")?, f.req_str("contentType")?);
        let key = o.opt_str("idempotencyKey")?;
        request_out(
            &self
                .inner
                .upload_cardholder_file(
                    payca::FileUpload {
                        filename: &name,
                        content_type: &ct,
                        bytes: &bytes,
                    },
                    key.as_deref(),
                    &mut os_rng(),
                )
                .map_err(err)?,
        )
    }

    /// `openResponse(status, headers, body)` → the JSON body (`null` for 204)
    #[wasm_bindgen(js_name = openResponse)]
    pub fn open_response(
        &self,
        status: JsValue,
        headers: JsValue,
        body: JsValue,
    ) -> JsResult<JsValue> {
        let status: u16 = num_arg(&status, "status")?;
        to_js(
            &self
                .inner
                .open_response(status, &headers_of(&headers)?, &bytes_of(&body)?, now_ms())
                .map_err(err)?,
        )
    }

    /// `verifyWebhook(headers, body, { now? })` → `{ type, data, raw, duplicate, deliveryId }`
    #[wasm_bindgen(js_name = verifyWebhook)]
    pub fn verify_webhook(
        &mut self,
        headers: JsValue,
        body: JsValue,
        options: JsValue,
    ) -> JsResult<JsValue> {
        let o = Opts::new(&options)?;
        let now = o.opt_u64("now")?.unwrap_or_else(now_ms);
        let ev = self
            .inner
            .verify_webhook(
                &headers_of(&headers)?,
                &bytes_of(&body)?,
                now,
                &mut self.guard,
            )
            .map_err(err)?;
        event_out(&ev, tagged_data(&ev.event)?)
    }

    /// `PayCaClient.webhookAck()` → 204
    #[wasm_bindgen(js_name = webhookAck)]
    pub fn webhook_ack() -> JsResult<JsValue> {
        response_out(&payca::Client::webhook_ack())
    }
}

/// PayCA platform side.
#[wasm_bindgen]
#[derive(Debug)]
pub struct PayCaPlatform {
    inner: payca::Platform,
}

#[wasm_bindgen]
impl PayCaPlatform {
    /// `{ clientId, clientSecret }`
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<PayCaPlatform> {
        let o = Opts::new(&options)?;
        Ok(PayCaPlatform {
            inner: payca::Platform::new(&o.req_str("clientId")?, &o.req_str("clientSecret")?)
                .map_err(err)?,
        })
    }

    /// `verifyRequest(headers)` (credentials, compared in constant time)
    #[wasm_bindgen(js_name = verifyRequest)]
    pub fn verify_request(&self, headers: JsValue) -> JsResult<()> {
        self.inner
            .verify_request(&headers_of(&headers)?)
            .map_err(err)
    }

    /// `signWebhook(body, { requestId?, idempotencyKey? })` → `{ headers, body }`
    #[wasm_bindgen(js_name = signWebhook)]
    pub fn sign_webhook(&self, body: JsValue, options: JsValue) -> JsResult<JsValue> {
        let o = Opts::new(&options)?;
        let d = payload_of(&body)?;
        let rid = match o.opt_str("requestId")? {
            Some(r) => r,
            None => random_hex(16)?,
        };
        let key = o.opt_str("idempotencyKey")?;
        webhook_out(
            &self
                .inner
                .sign_webhook(d.as_payload(), &rid, key.as_deref())
                .map_err(err)?,
        )
    }
}

// ------------------------------------------------------------------ helpers

/// `validate(provider, endpoint, payload, { today?, cardType? })` → `{ covered, checked, skipped }`;
/// throws `CardwireError` with code `validation_failed` and `.errors`.
#[wasm_bindgen]
pub fn validate(
    provider: &str,
    endpoint: &str,
    payload: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    let o = Opts::new(&options)?;
    let p = value_of(&payload)?;
    let today = o.opt_str("today")?;
    let card_type = match o.get("cardType")? {
        t if t.is_undefined() || t.is_null() => None,
        t => Some(value_of(&t)?),
    };
    let ctx = v::Context {
        today: today.as_deref(),
        card_type: card_type.as_ref(),
    };
    to_js(&v::validate(provider, endpoint, &p, &ctx).map_err(err)?)
}

/// Every stable error code, from the core catalog.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Vec<JsValue> {
    cardwire::CODES
        .iter()
        .map(|c| JsValue::from_str(c))
        .collect()
}
