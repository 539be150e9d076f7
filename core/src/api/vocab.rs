//! The vocabulary: every class, constructor argument, method, option, result
//! key and error field a binding exposes, in one table. Names are
//! snake_case here; JavaScript sees them in camelCase ([`camel`]), Python as
//! they are. Each binding's type file (`index.d.ts`, `.pyi`) and its thin
//! class glue are generated from this table (the repository's `xtask`), and a test
//! in each language checks what the binding really exposes against it.
//!
//! Time always carries its unit in its name: `now_ms` (the clock, every
//! method; default the host's), `timestamp_s` (WorldCard request
//! `X-Timestamp`), `timestamp_ms` (WorldCard webhook `X-Timestamp`, legacy
//! `timestamp`), `timestamp_us` (PinToPay `request_timestamp`). Left out, a
//! provider's timestamp is derived from `now_ms`.
//!
//! The whole table, as the bindings see it, is `docs/vocabulary.md` in the
//! repository (generated from these constants).

/// A value's type, for the generated type files. Exhaustive on purpose:
/// every generator matches every type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// Text.
    Str,
    /// A JSON payload: an object or list (serialized once, compactly), JSON
    /// text or JSON bytes (both passed through untouched).
    Payload,
    /// A received body: the exact bytes (or text), never a parsed object.
    Body,
    /// Received headers: a map, a list of pairs, or the host's header object.
    Headers,
    /// A non-negative integer (milliseconds, sizes, attempts).
    Int,
    /// An HTTP status.
    Status,
    /// A boolean.
    Bool,
    /// Any JSON value.
    Json,
    /// A thrown cardwire error (its code and fields are read back).
    Error,
    /// Name/value pairs (query parameters, path parameters).
    Pairs,
    /// Bytes (file contents, 32-byte RNG seeds).
    Bytes,
    /// An AES key: text (64 hex, 44 Base64 or 32 raw characters; white
    /// space around it is ignored) or exactly 32 bytes.
    AesKey,
    /// A window in milliseconds, or the text `off`.
    Window,
    /// One of the given texts.
    OneOf(&'static [&'static str]),
    /// A replay store from the host language: an object with
    /// `seen(key, ttl_ms) -> bool` (true: seen before; false: recorded now).
    /// Bindings take it out of the options and install it; the core never
    /// sees the object.
    Store,
}

/// What a method returns. Exhaustive on purpose: every generator matches
/// every kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ret {
    /// A result shape from [`SHAPES`], by name.
    Shape(&'static str),
    /// Text.
    Str,
    /// A boolean.
    Bool,
    /// Any JSON value (provider data, keys untouched).
    Json,
    /// A list of texts.
    StrList,
    /// Nothing.
    Unit,
}

/// One argument or option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// snake_case name.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Whether it must be given.
    pub required: bool,
    /// What it is, and its default when left out.
    pub doc: &'static str,
}

/// One method of a class, or a free function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Method {
    /// snake_case name.
    pub name: &'static str,
    /// A static method (no instance).
    pub is_static: bool,
    /// Positional arguments.
    pub args: &'static [Param],
    /// Keyword-only options (JavaScript: one trailing options object).
    pub options: &'static [Param],
    /// The result.
    pub returns: Ret,
    /// Whether an `..._async` form exists that runs off the caller's thread
    /// (RSA signing and decryption).
    pub offload: bool,
    /// Whether a call changes nothing (no replay store, no record of a
    /// nonce): a binding whose RSA check is asynchronous may run it before
    /// that check passed, holding the result until it does.
    pub stateless: bool,
    /// One line on what it does.
    pub doc: &'static str,
}

/// One class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Class {
    /// The class name, the same in every language.
    pub name: &'static str,
    /// Which side: `merchant` or `platform`.
    pub side: &'static str,
    /// Constructor arguments (Python: positional-or-keyword for the
    /// required ones, keyword-only after; JavaScript: one options object).
    pub ctor: &'static [Param],
    /// Methods.
    pub methods: &'static [Method],
    /// One line on what it is.
    pub doc: &'static str,
    /// A static method that constructs (JavaScript `X.start(options)`,
    /// Python `X.start(...)`), beside the constructor.
    pub factory: Option<&'static str>,
    /// A no-argument method whose result keys become read-only properties
    /// of every instance (set once, at construction).
    pub exposes: Option<&'static str>,
}

/// One result shape: the keys of a result object, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Shape name (`request`, `event`, ...).
    pub name: &'static str,
    /// `(key, type, doc)`. Types: `str`, `str?`, `int`, `int?`, `bool`,
    /// `bool?`, `bytes`, `headers`, `json`, `str[]`.
    pub keys: &'static [(&'static str, &'static str, &'static str)],
    /// One line.
    pub doc: &'static str,
}

/// Documentation text, kept only where it is used (the code generators;
/// the WebAssembly build leaves it out to stay small).
const fn d(doc: &'static str) -> &'static str {
    if cfg!(feature = "vocab-docs") {
        doc
    } else {
        ""
    }
}

const fn p(name: &'static str, ty: Ty, doc: &'static str) -> Param {
    Param {
        name,
        ty,
        required: true,
        doc: d(doc),
    }
}

const fn o(name: &'static str, ty: Ty, doc: &'static str) -> Param {
    Param {
        name,
        ty,
        required: false,
        doc: d(doc),
    }
}

const fn m(
    name: &'static str,
    args: &'static [Param],
    options: &'static [Param],
    returns: Ret,
    doc: &'static str,
) -> Method {
    Method {
        name,
        is_static: false,
        args,
        options,
        returns,
        offload: false,
        stateless: false,
        doc: d(doc),
    }
}

const fn stateless(mut method: Method) -> Method {
    method.stateless = true;
    method
}

const fn rsa(mut method: Method) -> Method {
    method.offload = true;
    method
}

const fn st(mut method: Method) -> Method {
    method.is_static = true;
    method
}

// ------------------------------------------------------------ shared params

const PATH: Param = p(
    "path",
    Ty::Str,
    "the endpoint path (`/api/v1/card/deposit`)",
);
const PAYLOAD: Param = o(
    "payload",
    Ty::Payload,
    "the JSON payload; left out: `{}` where the provider signs one",
);
const HEADERS: Param = p("headers", Ty::Headers, "the headers as received");
const HOOK_HEADERS: Param = o(
    "headers",
    Ty::Headers,
    "the headers as received (null for WorldCard legacy, whose webhooks sign their body only)",
);
const BODY: Param = p("body", Ty::Body, "the raw body as received (bytes or text)");
const STATUS: Param = p("status", Ty::Status, "the HTTP status received");
const DATA: Param = p("data", Ty::Payload, "the data to send");
const EVENT_TYPE: Param = p("event_type", Ty::Str, "the event type");
const VALUE: Param = p("value", Ty::Str, "the field's text");
const ERROR: Param = p("error", Ty::Error, "the error a verify call raised");
const EXTERNAL_KEY: Param = o(
    "external_key",
    Ty::Bool,
    "the private key is held outside the process (HSM, KMS, WebCrypto): give its public key (SPKI PEM) where the private key goes and sign with the `prepare_…`/`finish_…` forms (default false)",
);
const PREPARED: Param = p(
    "prepared",
    Ty::Json,
    "what `prepare_…` returned, as it was (its headers and body are read back; the sign input is worked out again from them)",
);
const SIGNATURE: Param = p(
    "signature",
    Ty::Bytes,
    "the raw signature your HSM, KMS or WebCrypto key made over `sign_input` (bytes, not Base64)",
);
const NOW_MS: Param = o(
    "now_ms",
    Ty::Int,
    "the clock, Unix milliseconds (default: the host clock)",
);
const NONCE: Param = o(
    "nonce",
    Ty::Str,
    "the nonce (default: 16 random bytes as hex)",
);
const CHECK: Param = o(
    "check",
    Ty::Bool,
    "check the signature with the public key first (default true; false only for a signer made from this instance's own private key, where the check costs time and finds nothing)",
);
const RANDOM: Param = o(
    "random",
    Ty::Bytes,
    "32 bytes seeding the RNG, for reproducible tests (default: the host CSPRNG)",
);
const VALIDATE: Param = o(
    "validate",
    Ty::Bool,
    "check the payload against the documented rules (default: the client's setting, on)",
);
const VALIDATE_CTOR: Param = o(
    "validate",
    Ty::Bool,
    "check payloads against the documented rules (default true)",
);
const RETENTION: Param = o(
    "retention_ms",
    Ty::Int,
    "how long webhook delivery keys are kept (default 48 h)",
);
const WINDOW: Param = o(
    "webhook_window_ms",
    Ty::Window,
    "window on a signed webhook timestamp, ms, or `off` (default: ± the retention)",
);
const STORE: Param = o(
    "store",
    Ty::Store,
    "a replay store shared between instances: an object with `seen(key, ttl_ms) -> bool` (default: in memory, bounded)",
);
const STRICT_SALT: Param = o(
    "strict_pss_salt",
    Ty::Bool,
    "accept only PSS salt 32 (default false: any salt, Go and Java signers differ)",
);
const IDEMPOTENCY_KEY: Param = o("idempotency_key", Ty::Str, "the `Idempotency-Key` header");
const FILENAME: Param = p("filename", Ty::Str, "the file name sent");
const CONTENT_TYPE: Param = p(
    "content_type",
    Ty::Str,
    "the file's MIME type (`image/jpeg`, `application/pdf`)",
);
const FILE_BYTES: Param = p("bytes", Ty::Bytes, "the file's bytes");
const PADDING: Ty = Ty::OneOf(&["pkcs1v15", "oaep-sha1", "oaep-sha256"]);

const OPEN_RESPONSE: Method = stateless(m(
    "open_response",
    &[STATUS, HEADERS, BODY],
    &[NOW_MS],
    Ret::Shape("opened"),
    "opens a response: the verified, decrypted data, or raises `api_error`",
));
const VERIFY_WEBHOOK: Method = m(
    "verify_webhook",
    &[HOOK_HEADERS, BODY],
    &[NOW_MS],
    Ret::Shape("event"),
    "verifies a webhook and records it in the replay store (a redelivery comes back `duplicate`)",
);
const CHECK_WEBHOOK: Method = stateless(m(
    "check_webhook",
    &[HOOK_HEADERS, BODY],
    &[NOW_MS],
    Ret::Shape("event"),
    "every check of `verify_webhook` but the store: for a store of your own (use `delivery_key`, `retention_ms`)",
));
const WEBHOOK_ACK: Method = st(m(
    "webhook_ack",
    &[],
    &[],
    Ret::Shape("response"),
    "the acknowledgement the provider expects",
));
const WEBHOOK_REFUSAL: Method = st(m(
    "webhook_refusal",
    &[ERROR],
    &[],
    Ret::Shape("response"),
    "the answer to a refused delivery: 503 for `store_unavailable` (the provider retries), else 401; the body is the error code",
));
const IS_ACKNOWLEDGED: Method = st(m(
    "is_acknowledged",
    &[STATUS, BODY],
    &[],
    Ret::Bool,
    "whether a merchant's answer acknowledges a webhook",
));
const DECRYPT_FIELD: Method = m(
    "decrypt_field",
    &[VALUE],
    &[],
    Ret::Str,
    "decrypts one sensitive field",
);

// ------------------------------------------------------------------ classes

/// Every class, in the design's order.
pub const CLASSES: &[Class] = &[
    Class {
        name: "WorldCardMerchant",
        side: "merchant",
        doc: d("WorldCard `Card/*`, merchant side: AES-256-GCM bodies, RSA-PSS-SHA256 signatures."),
        factory: None,
        exposes: None,
        ctor: &[
            p("app_id", Ty::Str, "`X-App-Id`"),
            p("private_key_pem", Ty::Str, "the merchant's RSA private key: PEM (PKCS#8 or PKCS#1) or bare Base64 DER; its public key with `external_key`"),
            p("aes_key", Ty::AesKey, "64 hex characters, 44 Base64 characters or 32 raw characters (surrounding white space ignored), or exactly 32 bytes"),
            o("platform_public_key_pem", Ty::Str, "WorldCard's public key (needed to verify webhooks)"),
            VALIDATE_CTOR,
            RETENTION,
            WINDOW,
            STRICT_SALT,
            STORE,
            EXTERNAL_KEY,
        ],
        methods: &[
            rsa(m(
                "build_request",
                &[PATH, PAYLOAD],
                &[
                    o("timestamp_s", Ty::Int, "`X-Timestamp`, Unix seconds (default: from `now_ms`)"),
                    NOW_MS,
                    NONCE,
                    RANDOM,
                    VALIDATE,
                ],
                Ret::Shape("request"),
                "the exact request to send: encrypted body, signed headers",
            )),
            m(
                "prepare_request",
                &[PATH, PAYLOAD],
                &[
                    o("timestamp_s", Ty::Int, "`X-Timestamp`, Unix seconds (default: from `now_ms`)"),
                    NOW_MS,
                    NONCE,
                    RANDOM,
                    VALIDATE,
                ],
                Ret::Shape("prepared_request"),
                "`build_request` for a key held in an HSM or KMS: everything but the signature, and the sign input",
            ),
            m(
                "finish_request",
                &[PREPARED, SIGNATURE],
                &[CHECK],
                Ret::Shape("request"),
                "checks your signer's signature with the public key and completes the request (`signer_mismatch` names the likely misconfiguration)",
            ),
            OPEN_RESPONSE,
            DECRYPT_FIELD,
            m("encrypt_field", &[VALUE], &[RANDOM], Ret::Str, "encrypts one field (fields marked \"transmit encrypted\")"),
            rsa(VERIFY_WEBHOOK),
            rsa(CHECK_WEBHOOK),
            WEBHOOK_ACK,
            WEBHOOK_REFUSAL,
        ],
    },
    Class {
        name: "WorldCardPlatform",
        side: "platform",
        doc: d("WorldCard `Card/*`, provider side: verify requests, seal responses, sign webhooks."),
        factory: None,
        exposes: None,
        ctor: &[
            p("app_id", Ty::Str, "the merchant's `X-App-Id`"),
            p("merchant_public_key_pem", Ty::Str, "the merchant's RSA public key"),
            p("aes_key", Ty::AesKey, "the merchant's AES key: 64 hex, 44 Base64 or 32 raw characters, or exactly 32 bytes"),
            o("platform_private_key_pem", Ty::Str, "WorldCard's private key (needed to sign webhooks); its public key with `external_key`"),
            VALIDATE_CTOR,
            STRICT_SALT,
            STORE,
            EXTERNAL_KEY,
        ],
        methods: &[
            rsa(m(
                "verify_request",
                &[HEADERS, BODY],
                &[o("path", Ty::Str, "the request path: its documented rules are checked too"), NOW_MS],
                Ret::Json,
                "verifies a request in the documented order and returns the decrypted payload",
            )),
            m("seal_response", &[PAYLOAD], &[RANDOM], Ret::Shape("response"), "a success response, card fields encrypted"),
            st(m(
                "seal_error",
                &[p("code", Ty::Int, "the business code"), p("message", Ty::Str, "the message")],
                &[],
                Ret::Shape("response"),
                "a business error response",
            )),
            rsa(m(
                "sign_webhook",
                &[EVENT_TYPE, DATA],
                &[
                    o("timestamp_ms", Ty::Int, "`X-Timestamp`, Unix ms (default: `now_ms`)"),
                    NOW_MS,
                    NONCE,
                    RANDOM,
                ],
                Ret::Shape("webhook"),
                "an encrypted, signed webhook",
            )),
            m(
                "prepare_webhook",
                &[EVENT_TYPE, DATA],
                &[
                    o("timestamp_ms", Ty::Int, "`X-Timestamp`, Unix ms (default: `now_ms`)"),
                    NOW_MS,
                    NONCE,
                    RANDOM,
                ],
                Ret::Shape("prepared_webhook"),
                "`sign_webhook` for a platform key held in an HSM or KMS",
            ),
            m("finish_webhook", &[PREPARED, SIGNATURE], &[CHECK], Ret::Shape("webhook"), "checks the signature and completes the webhook"),
            st(m("rejection", &[ERROR], &[], Ret::Shape("response"), "the platform's documented answer to a failed check")),
            IS_ACKNOWLEDGED,
        ],
    },
    Class {
        name: "WorldCardLegacy",
        side: "merchant",
        doc: d("WorldCard legacy card and Transfer V4, merchant side: MD5 over sorted parameters, AES-ECB fields."),
        factory: None,
        exposes: None,
        ctor: &[
            p("app_key", Ty::Str, "`appKey`"),
            p("app_secret", Ty::Str, "`appSecret` (16, 24 or 32 bytes: it keys AES-ECB too)"),
            o("params_in", Ty::OneOf(&["body", "query"]), "where the common parameters travel (default `body`)"),
            VALIDATE_CTOR,
            RETENTION,
            STORE,
        ],
        methods: &[
            m(
                "build_request",
                &[PATH, PAYLOAD],
                &[
                    o("timestamp_ms", Ty::Int, "`timestamp`, Unix ms (default: `now_ms`)"),
                    NOW_MS,
                    NONCE,
                    VALIDATE,
                ],
                Ret::Shape("request"),
                "the exact request: common parameters added, signed",
            ),
            OPEN_RESPONSE,
            DECRYPT_FIELD,
            m("encrypt_field", &[VALUE], &[], Ret::Str, "encrypts one field (the PIN on `/change/pin/secure`)"),
            VERIFY_WEBHOOK,
            CHECK_WEBHOOK,
            WEBHOOK_ACK,
            WEBHOOK_REFUSAL,
        ],
    },
    Class {
        name: "WorldCardLegacyPlatform",
        side: "platform",
        doc: d("WorldCard legacy, provider side: verify requests, seal responses, sign webhooks."),
        factory: None,
        exposes: None,
        ctor: &[
            p("app_key", Ty::Str, "the merchant's `appKey`"),
            p("app_secret", Ty::Str, "the merchant's `appSecret` (16, 24 or 32 bytes)"),
        ],
        methods: &[
            m(
                "verify_request",
                &[HEADERS, BODY],
                &[p("path", Ty::Str, "the request path, with its query string")],
                Ret::Json,
                "verifies a request; returns the endpoint's fields",
            ),
            m("seal_response", &[PAYLOAD], &[], Ret::Shape("response"), "a success response, sensitive fields encrypted"),
            st(m(
                "seal_error",
                &[p("code", Ty::Int, "the business code (5001, ...)"), p("message", Ty::Str, "the message")],
                &[],
                Ret::Shape("response"),
                "a business error response",
            )),
            m("sign_webhook", &[DATA], &[], Ret::Shape("webhook"), "a signed webhook (appKey and sign added)"),
            st(m("rejection", &[ERROR], &[], Ret::Shape("response"), "the platform's answer to a failed check")),
            IS_ACKNOWLEDGED,
        ],
    },
    Class {
        name: "WasabiMerchant",
        side: "merchant",
        doc: d("Wasabi Card Open API, merchant side: SHA256withRSA over the raw body, RSA-encrypted card fields."),
        factory: None,
        exposes: None,
        ctor: &[
            p("api_key", Ty::Str, "`X-WSB-API-KEY`"),
            p("private_key_pem", Ty::Str, "the merchant's RSA private key (PEM or bare Base64 DER; 1024-bit works); its public key with `external_key`"),
            o("platform_public_key_pem", Ty::Str, "Wasabi's public key (verifies responses and notifications)"),
            o(
                "response_signature",
                Ty::OneOf(&["require", "verify-if-present", "off"]),
                "response signatures (default `require`)",
            ),
            o("field_padding", PADDING, "padding of RSA-encrypted fields (default `pkcs1v15`)"),
            VALIDATE_CTOR,
            RETENTION,
            STORE,
            EXTERNAL_KEY,
        ],
        methods: &[
            rsa(m(
                "build_request",
                &[PATH, PAYLOAD],
                &[VALIDATE],
                Ret::Shape("request"),
                "the exact signed request (`{}` when there is no payload)",
            )),
            m(
                "prepare_request",
                &[PATH, PAYLOAD],
                &[VALIDATE],
                Ret::Shape("prepared_request"),
                "`build_request` for a key held in an HSM or KMS: everything but `X-WSB-SIGNATURE`, and the sign input",
            ),
            m(
                "prepare_upload",
                &[FILENAME, CONTENT_TYPE, FILE_BYTES, p("category", Ty::Str, "the file category")],
                &[],
                Ret::Shape("prepared_request"),
                "`upload_file` for a key held in an HSM or KMS (the sign input is `{}`)",
            ),
            m(
                "finish_request",
                &[PREPARED, SIGNATURE],
                &[CHECK],
                Ret::Shape("request"),
                "checks your signer's signature with the public key and completes the request",
            ),
            m(
                "prepare_decrypt",
                &[VALUE],
                &[],
                Ret::Shape("prepared_decrypt"),
                "`decrypt_field` for a key held in an HSM: the ciphertext blocks and the padding",
            ),
            m(
                "finish_decrypt",
                &[PREPARED, p("plaintexts", Ty::Json, "each block's plaintext (bytes), in order")],
                &[],
                Ret::Str,
                "joins the decrypted blocks into the field's text",
            ),
            rsa(m(
                "upload_file",
                &[FILENAME, CONTENT_TYPE, FILE_BYTES, p("category", Ty::Str, "the file category")],
                &[],
                Ret::Shape("request"),
                "the multipart upload, signed over `{}`",
            )),
            rsa(OPEN_RESPONSE),
            rsa(DECRYPT_FIELD),
            rsa(m(
                "open_sensitive",
                &[p("data", Ty::Json, "an object with encrypted card fields")],
                &[],
                Ret::Json,
                "decrypts `cardNumber`, `cvv`, `expireDate`, `activateUrl`, `values` where present",
            )),
            rsa(VERIFY_WEBHOOK),
            rsa(CHECK_WEBHOOK),
            WEBHOOK_ACK,
            WEBHOOK_REFUSAL,
        ],
    },
    Class {
        name: "WasabiPlatform",
        side: "platform",
        doc: d("Wasabi Card Open API, provider side."),
        factory: None,
        exposes: None,
        ctor: &[
            p("api_key", Ty::Str, "the merchant's `X-WSB-API-KEY`"),
            p("platform_private_key_pem", Ty::Str, "Wasabi's private key; its public key with `external_key`"),
            p("merchant_public_key_pem", Ty::Str, "the merchant's public key"),
            EXTERNAL_KEY,
        ],
        methods: &[
            rsa(m(
                "verify_request",
                &[HEADERS, BODY],
                &[o("path", Ty::Str, "the request path: its documented rules are checked too")],
                Ret::Json,
                "verifies a request's signature; returns its JSON body",
            )),
            rsa(m("seal_response", &[PAYLOAD], &[], Ret::Shape("response"), "a signed success response")),
            rsa(m(
                "seal_error",
                &[p("code", Ty::Int, "the business code"), p("message", Ty::Str, "the message")],
                &[],
                Ret::Shape("response"),
                "a signed business error",
            )),
            rsa(m(
                "sign_webhook",
                &[EVENT_TYPE, DATA],
                &[o("request_id", Ty::Str, "`X-WSB-REQUEST-ID` (default: random; reuse it on redeliveries)")],
                Ret::Shape("webhook"),
                "a signed notification (`event_type` is the category)",
            )),
            m("prepare_response", &[PAYLOAD], &[], Ret::Shape("prepared_response"), "`seal_response` for a platform key held in an HSM or KMS"),
            m(
                "prepare_error",
                &[p("code", Ty::Int, "the business code"), p("message", Ty::Str, "the message")],
                &[],
                Ret::Shape("prepared_response"),
                "`seal_error` for a platform key held in an HSM or KMS",
            ),
            m("finish_response", &[PREPARED, SIGNATURE], &[CHECK], Ret::Shape("response"), "checks the signature and completes the response"),
            m(
                "prepare_webhook",
                &[EVENT_TYPE, DATA],
                &[o("request_id", Ty::Str, "`X-WSB-REQUEST-ID` (default: random; reuse it on redeliveries)")],
                Ret::Shape("prepared_webhook"),
                "`sign_webhook` for a platform key held in an HSM or KMS",
            ),
            m("finish_webhook", &[PREPARED, SIGNATURE], &[CHECK], Ret::Shape("webhook"), "checks the signature and completes the notification"),
            m(
                "encrypt_field",
                &[VALUE],
                &[o("padding", PADDING, "default `pkcs1v15`")],
                Ret::Str,
                "encrypts a card field to the merchant's key",
            ),
            IS_ACKNOWLEDGED,
        ],
    },
    Class {
        name: "WasabiGateway",
        side: "merchant",
        doc: d("The Wasabi Card API gateway: X-API-KEY, `{success, code, msg, data}`, 422 field errors, 429 back-off."),
        factory: None,
        exposes: None,
        ctor: &[p("api_key", Ty::Str, "`X-API-KEY`"), VALIDATE_CTOR],
        methods: &[
            m(
                "build_request",
                &[PATH, PAYLOAD],
                &[
                    o("method", Ty::OneOf(&["GET", "POST"]), "needed for `work-orders/` only: `GET` lists, `POST` submits"),
                    VALIDATE,
                ],
                Ret::Shape("request"),
                "the exact request (GET parameters in the query string)",
            ),
            m(
                "upload_file",
                &[FILENAME, CONTENT_TYPE, FILE_BYTES],
                &[RANDOM],
                Ret::Shape("request"),
                "the multipart upload (jpg, png or pdf, at most 2 MB)",
            ),
            m(
                "open_response",
                &[STATUS, HEADERS, BODY],
                &[p("path", Ty::Str, "the endpoint that was called (decides retry advice)"), NOW_MS],
                Ret::Shape("opened"),
                "opens a response, or raises `api_error` with the retry advice",
            ),
            m(
                "retry_decision",
                &[PATH, ERROR, p("attempts", Ty::Int, "attempts made so far (1 = the first failed)")],
                &[],
                Ret::Shape("retry_decision"),
                "whether and when to retry",
            ),
            m(
                "webhook_events_request",
                &[p("query", Ty::Json, "`category`, `reference_id`, `merchant_order_no`, `status`, `from`, `to`, `per_page`, `page`")],
                &[],
                Ret::Shape("request"),
                "`GET /api/v1/webhook-events` with the documented limits checked",
            ),
            st(m(
                "parse_webhook_events",
                &[p("data", Ty::Json, "the `data` of a webhook-events response")],
                &[],
                Ret::Json,
                "the typed page of stored events (`trusted` only when `signature_verified`)",
            )),
        ],
    },
    Class {
        name: "PinToPayMerchant",
        side: "merchant",
        doc: d("PinToPay, merchant side: `{\"encrypted\": ...}` XSalsa20-Poly1305 bodies, µs timestamps."),
        factory: None,
        exposes: None,
        ctor: &[
            p("api_key", Ty::Str, "`API-KEY`"),
            p("api_secret", Ty::Str, "the API secret (at least 8 characters)"),
            VALIDATE_CTOR,
            RETENTION,
                        STORE,
        ],
        methods: &[
            m(
                "build_request",
                &[PATH, PAYLOAD],
                &[
                    o("timestamp_us", Ty::Int, "`request_timestamp`, Unix µs (default: from the clock, unique per client)"),
                    NOW_MS,
                    IDEMPOTENCY_KEY,
                    RANDOM,
                    VALIDATE,
                ],
                Ret::Shape("request"),
                "the exact sealed request",
            ),
            OPEN_RESPONSE,
            VERIFY_WEBHOOK,
            CHECK_WEBHOOK,
            WEBHOOK_ACK,
            WEBHOOK_REFUSAL,
        ],
    },
    Class {
        name: "PinToPayPlatform",
        side: "platform",
        doc: d("PinToPay, provider side."),
        factory: None,
        exposes: None,
        ctor: &[
            p("api_key", Ty::Str, "the merchant's `API-KEY`"),
            p("api_secret", Ty::Str, "the merchant's API secret"),
            STORE,
        ],
        methods: &[
            m(
                "verify_request",
                &[HEADERS, BODY],
                &[p("path", Ty::Str, "the request path"), NOW_MS],
                Ret::Json,
                "opens a request in the documented order; returns the payload",
            ),
            m("seal_response", &[PAYLOAD], &[RANDOM], Ret::Shape("response"), "a sealed success response"),
            m(
                "seal_error",
                &[STATUS, p("slug", Ty::Str, "the `error_slug`"), p("message", Ty::Str, "the message")],
                &[RANDOM],
                Ret::Shape("response"),
                "a sealed standard error",
            ),
            m("sign_webhook", &[EVENT_TYPE, DATA], &[RANDOM], Ret::Shape("webhook"), "a sealed webhook"),
            m("rejection", &[ERROR], &[RANDOM], Ret::Shape("response"), "the platform's answer to a failed check"),
        ],
    },
    Class {
        name: "PayCaClient",
        side: "merchant",
        doc: d("PayCA, merchant side: client credentials, `sha256=` HMAC-SHA256 webhooks."),
        factory: None,
        exposes: None,
        ctor: &[
            p("client_id", Ty::Str, "`x-client-id`"),
            p("client_secret", Ty::Str, "`x-client-secret`"),
            VALIDATE_CTOR,
            RETENTION,
                        STORE,
        ],
        methods: &[
            m(
                "build_request",
                &[PATH, PAYLOAD],
                &[
                    o("method", Ty::OneOf(&["GET", "POST", "PUT", "PATCH", "DELETE"]), "default: POST with a payload, GET without"),
                    o("path_params", Ty::Pairs, "values for `{placeholders}` in the path"),
                    o("query", Ty::Pairs, "query parameters"),
                    IDEMPOTENCY_KEY,
                    o("request_id", Ty::Str, "`X-Request-ID`"),
                    VALIDATE,
                ],
                Ret::Shape("request"),
                "the exact request",
            ),
            m(
                "upload_cardholder_file",
                &[FILENAME, CONTENT_TYPE, FILE_BYTES],
                &[IDEMPOTENCY_KEY, RANDOM],
                Ret::Shape("request"),
                "`POST /v1/cardholders/files`",
            ),
            m(
                "upload_kyc_document",
                &[p("user_id", Ty::Str, "the user"), FILENAME, CONTENT_TYPE, FILE_BYTES, p("document_type", Ty::Str, "`passport`, `selfie_with_document`, ...")],
                &[IDEMPOTENCY_KEY, RANDOM],
                Ret::Shape("request"),
                "`POST /v1/users/{userId}/kyc/documents`",
            ),
            OPEN_RESPONSE,
            VERIFY_WEBHOOK,
            CHECK_WEBHOOK,
            WEBHOOK_ACK,
            WEBHOOK_REFUSAL,
        ],
    },
    Class {
        name: "PayCaPlatform",
        side: "platform",
        doc: d("PayCA, provider side."),
        factory: None,
        exposes: None,
        ctor: &[
            p("client_id", Ty::Str, "the client's id"),
            p("client_secret", Ty::Str, "the client's secret"),
        ],
        methods: &[
            m(
                "verify_request",
                &[HEADERS, BODY],
                &[o("path", Ty::Str, "the request path: a JSON body is validated against its rules")],
                Ret::Json,
                "checks the credentials (constant time); returns the JSON body, or null when there is none",
            ),
            m(
                "sign_webhook",
                &[EVENT_TYPE, DATA],
                &[o("request_id", Ty::Str, "`x-request-id` (default: random)"), IDEMPOTENCY_KEY],
                Ret::Shape("webhook"),
                "a signed webhook (`cardholder_status` is sent flat, other types as `{event, data}`)",
            ),
            st(m(
                "seal_error",
                &[STATUS, p("code", Ty::Str, "`ErrInvalidArg`, ..."), p("message", Ty::Str, "the message"), p("request_id", Ty::Str, "`requestId`")],
                &[],
                Ret::Shape("response"),
                "an error in PayCA's shape",
            )),
            st(m("rejection", &[ERROR, p("request_id", Ty::Str, "`requestId`")], &[], Ret::Shape("response"), "the answer to a failed check")),
            st(m("is_acknowledged", &[STATUS], &[], Ret::Bool, "whether a merchant's answer acknowledges a webhook (2xx)")),
        ],
    },
    Class {
        name: "CardReveal",
        side: "browser",
        doc: d("A card reveal, browser side: an ephemeral key for one card, made inside the module; `open` returns the card fields once."),
        factory: Some("start"),
        exposes: Some("request"),
        ctor: &[
            p("card_id", Ty::Str, "the card to reveal (bound into the seal)"),
            o("ttl_ms", Ty::Int, "how long the key lives (default 120000: two minutes)"),
            NOW_MS,
            RANDOM,
        ],
        methods: &[
            m(
                "request",
                &[],
                &[],
                Ret::Shape("reveal_request"),
                "what to send to your back end: the public key, a fresh request id, the card id, the key's expiry",
            ),
            m(
                "open",
                &[p("sealed", Ty::Str, "the sealed reveal from `seal_card_for_browser`")],
                &[NOW_MS],
                Ret::Json,
                "the card fields, once; the key is wiped whatever the outcome (a second call is `replay_detected`)",
            ),
        ],
    },
];

/// Free functions.
pub const FUNCTIONS: &[Method] = &[
    m(
        "seal_card_for_browser",
        &[
            p("fields", Ty::Json, "the card fields as text (`{pan, cvv, ...}`), or with `provider`, the provider's opened data"),
            p("browser_public_key", Ty::Str, "`public_key` from the page's `CardReveal`"),
        ],
        &[
            p("card_id", Ty::Str, "the card (must be the page's `card_id`)"),
            p("request_id", Ty::Str, "the page's `request_id`"),
            p("expires_at_ms", Ty::Int, "when the seal stops opening, Unix ms"),
            o("provider", Ty::OneOf(&["worldcard", "worldcard_legacy", "wasabi", "pintopay"]), "pick the card fields out of this provider's opened data, under common names"),
            NOW_MS,
            RANDOM,
        ],
        Ret::Str,
        "seals only the card fields to one browser reveal key (HPKE), bound to the card, the request and the expiry",
    ),
    m(
        "answer_reveal",
        &[
            p("request", Ty::Json, "the page's reveal request as it sent it (`public_key`, `request_id`, `card_id`, `expires_at_ms`; camelCase accepted)"),
            p("data", Ty::Json, "the card: with `provider`, the provider's opened data; without, the card fields as text"),
        ],
        &[
            o("provider", Ty::OneOf(&["worldcard", "worldcard_legacy", "wasabi", "pintopay"]), "pick the card fields out of this provider's opened data, under common names"),
            o("ttl_ms", Ty::Int, "how long the seal opens at most (default 60000; never past the page key's expiry)"),
            NOW_MS,
            RANDOM,
        ],
        Ret::Shape("reveal_answer"),
        "answers a browser's reveal request: the sealed card, and an audit record to log (ids, field names, times; no card data)",
    ),
    m(
        "validate",
        &[
            p(
                "provider",
                Ty::OneOf(&[
                    "worldcard",
                    "worldcard_legacy",
                    "wasabi",
                    "wasabi_gateway",
                    "pintopay",
                    "payca",
                ]),
                "the provider",
            ),
            p("endpoint", Ty::Str, "the endpoint path"),
            p("payload", Ty::Payload, "the payload"),
        ],
        &[
            o(
                "today",
                Ty::Str,
                "`YYYY-MM-DD` for age rules (default: from the host clock)",
            ),
            o(
                "card_type",
                Ty::Json,
                "the Wasabi card-type record, for card-type rules",
            ),
        ],
        Ret::Shape("report"),
        "checks a payload against the provider's documented rules; raises `validation_failed`",
    ),
    m(
        "error_codes",
        &[],
        &[],
        Ret::StrList,
        "every stable error code",
    ),
    m(
        "status_model",
        &[p("name", Ty::OneOf(STATUS_MODELS), "the model")],
        &[],
        Ret::Shape("status_model"),
        "a documented status model: states, final states, moves",
    ),
];

/// The status models [`FUNCTIONS`]' `status_model` serves.
pub const STATUS_MODELS: &[&str] = &[
    "wasabi.card",
    "wasabi.order",
    "wasabi.authorization",
    "wasabi.cardholder",
    "payca.cardholder",
    "pintopay.order",
    "pintopay.card",
    "pintopay.cardholder_registration",
    "pintopay.cardholder_kyc",
];

/// Every result shape, with its keys.
pub const SHAPES: &[Shape] = &[
    Shape {
        name: "prepared_request",
        doc: d("A request built but for its signature, for a key held in an HSM, KMS or WebCrypto: sign `sign_input`, then `finish_request`."),
        keys: &[
            ("sign_input", "bytes", "the exact bytes to sign"),
            ("digest", "bytes", "SHA-256 of `sign_input` (for signers given a digest: AWS KMS `MessageType=DIGEST`)"),
            ("algorithm", "str", "`RSASSA_PSS_SHA_256` (salt 32) or `RSASSA_PKCS1_V1_5_SHA_256`"),
            ("signature_header", "str", "the header the signature goes into"),
            ("method", "str", "`POST`"),
            ("path", "str", "path, relative to the provider's base URL"),
            ("headers", "headers", "headers, the signature header empty"),
            ("body", "bytes", "the exact body bytes"),
            ("body_text", "str?", "the body as text, when it is UTF-8"),
        ],
    },
    Shape {
        name: "prepared_response",
        doc: d("A response built but for its signature: sign `sign_input`, then `finish_response`."),
        keys: &[
            ("sign_input", "bytes", "the exact bytes to sign"),
            ("digest", "bytes", "SHA-256 of `sign_input`"),
            ("algorithm", "str", "the signature algorithm"),
            ("signature_header", "str", "the header the signature goes into"),
            ("status", "int", "the HTTP status"),
            ("headers", "headers", "headers, the signature header empty"),
            ("body", "bytes", "the body bytes"),
            ("body_text", "str?", "the body as text, when it is UTF-8"),
        ],
    },
    Shape {
        name: "prepared_webhook",
        doc: d("A webhook built but for its signature: sign `sign_input`, then `finish_webhook`."),
        keys: &[
            ("sign_input", "bytes", "the exact bytes to sign"),
            ("digest", "bytes", "SHA-256 of `sign_input`"),
            ("algorithm", "str", "the signature algorithm"),
            ("signature_header", "str", "the header the signature goes into"),
            ("headers", "headers", "headers, the signature header empty"),
            ("body", "bytes", "the exact body bytes"),
            ("body_text", "str?", "the body as text, when it is UTF-8"),
        ],
    },
    Shape {
        name: "prepared_decrypt",
        doc: d("An RSA-encrypted field for a key held in an HSM: decrypt each block, then `finish_decrypt`."),
        keys: &[
            ("blocks", "bytes[]", "the modulus-sized ciphertext blocks, each decrypted on its own"),
            ("algorithm", "str", "`RSAES_PKCS1_V1_5`, `RSAES_OAEP_SHA_1` or `RSAES_OAEP_SHA_256`"),
        ],
    },
    Shape {
        name: "request",
        doc: d("An HTTP request to send: exactly these bytes and headers."),
        keys: &[
            ("method", "str", "`GET`, `POST`, ..."),
            ("path", "str", "path and query, relative to the provider's base URL"),
            ("headers", "headers", "headers to send"),
            ("body", "bytes", "the exact body bytes (the ones signed)"),
            ("body_text", "str?", "the body as text, when it is UTF-8"),
        ],
    },
    Shape {
        name: "response",
        doc: d("An HTTP response to send back (acknowledgements, sealed responses, rejections)."),
        keys: &[
            ("status", "int", "the HTTP status"),
            ("headers", "headers", "headers to send"),
            ("body", "bytes", "the body bytes"),
            ("body_text", "str?", "the body as text, when it is UTF-8"),
        ],
    },
    Shape {
        name: "webhook",
        doc: d("A signed webhook to POST to the merchant's URL."),
        keys: &[
            ("headers", "headers", "headers to send"),
            ("body", "bytes", "the exact body bytes"),
            ("body_text", "str?", "the body as text, when it is UTF-8"),
        ],
    },
    Shape {
        name: "opened",
        doc: d("An opened response, the same shape for every provider."),
        keys: &[
            ("data", "json", "the provider's `data`, verified and decrypted (amounts as exact decimal text)"),
            ("code", "str?", "the provider's success code as text (`0`, `200`), when it sends one"),
            ("message", "str?", "the provider's message, when it sends one"),
            ("status", "int", "the HTTP status"),
            ("authenticated", "bool", "whether a signature or MAC covered the response"),
            ("unencrypted_fields", "str[]", "sensitive fields that arrived in clear and were passed through"),
        ],
    },
    Shape {
        name: "event",
        doc: d("A verified webhook, the same shape for every provider. `duplicate`: acknowledge it and skip the work."),
        keys: &[
            ("type", "str", "the provider's event type (empty when the delivery names none)"),
            ("data", "json", "the event's own fields"),
            ("raw", "json", "the whole authenticated payload"),
            ("duplicate", "bool", "seen before: acknowledge, skip the work"),
            ("delivery_key", "str", "the replay-store key (signed id or authenticated content, hashed)"),
            ("retention_ms", "int", "how long the key must be kept"),
            ("delivery_id", "str?", "the provider's own delivery or request id, for logs"),
            ("timestamp_ms", "int?", "the signed send time, Unix ms (WorldCard `X-Timestamp`); null where the provider signs none, never a time read from the payload"),
            ("business_key", "str?", "`<type>:<kind>:<id>:<status>:<event times>` for your own idempotency beyond the retention (legacy: `topup:<orderNo>:<status>`, ...)"),
        ],
    },
    Shape {
        name: "report",
        doc: d("A clean validation."),
        keys: &[
            ("covered", "bool", "whether the endpoint has a rule table"),
            ("checked", "int", "how many rules applied"),
            ("skipped", "str[]", "rules skipped for lack of context"),
        ],
    },
    Shape {
        name: "reveal_request",
        doc: d("What a browser sends its back end to have a card sealed to it."),
        keys: &[
            ("public_key", "str", "the ephemeral X25519 public key, Base64url"),
            ("request_id", "str", "a fresh random id for this reveal"),
            ("card_id", "str", "the card it is for"),
            ("expires_at_ms", "int", "when the key is wiped, Unix ms"),
        ],
    },
    Shape {
        name: "reveal_answer",
        doc: d("The answer to a browser's reveal request."),
        keys: &[
            ("sealed", "str", "the sealed card, for the page's `open`"),
            ("audit", "json", "`{card_id, request_id, provider, fields, expires_at_ms, at_ms}`: field names and times, never a value"),
        ],
    },
    Shape {
        name: "retry_decision",
        doc: d("Whether and when to retry a failed gateway call."),
        keys: &[
            ("retry", "bool", "whether to try again"),
            ("delay_ms", "int", "how long to wait first"),
            ("reason", "str", "why, in plain words"),
        ],
    },
    Shape {
        name: "status_model",
        doc: d("A documented status model."),
        keys: &[
            ("name", "str", "the model"),
            ("states", "str[]", "every documented state"),
            ("final_states", "str[]", "the final ones"),
            ("transitions", "json", "documented moves, `[from, to]` pairs"),
        ],
    },
];

/// The fields a raised error carries besides `code` and `message`, per code
/// (every one may be absent on other codes).
pub const ERROR_FIELDS: &[(&str, &str, &str)] = &[
    (
        "errors",
        "json",
        "`validation_failed` (and a gateway 422): `{field: [messages]}`",
    ),
    (
        "provider_code",
        "str",
        "`api_error`: the provider's code or slug",
    ),
    (
        "provider_message",
        "str",
        "`api_error`: the provider's message",
    ),
    ("status", "int?", "`api_error`: the HTTP status"),
    (
        "retryable",
        "bool",
        "`api_error`: whether retrying later may succeed",
    ),
    (
        "outcome_unknown",
        "bool",
        "`api_error`: the operation may have happened; query before retrying",
    ),
    ("retry_after_ms", "int?", "`api_error`: `Retry-After`, ms"),
    (
        "request_id",
        "str?",
        "`api_error`: the provider's request id",
    ),
    (
        "authenticated",
        "bool",
        "`api_error`: whether the provider fields came under a signature or MAC",
    ),
];

/// The class named `name`.
pub fn class(name: &str) -> Option<&'static Class> {
    CLASSES.iter().find(|c| c.name == name)
}

impl Class {
    /// The method named `name`.
    pub fn method(&self, name: &str) -> Option<&'static Method> {
        self.methods.iter().find(|m| m.name == name)
    }
}

/// snake_case → camelCase (`private_key_pem` → `privateKeyPem`).
pub fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// camelCase → snake_case (`privateKeyPem` → `private_key_pem`); snake_case
/// is left as it is.
pub fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
