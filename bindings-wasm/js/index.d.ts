// Types for the cardwire WebAssembly package. Hand-written to be precise; a
// test checks CardwireErrorCode against the core catalog (errorCodes()).

/** Every stable error code, identical in Rust, JavaScript and Python. */
export type CardwireErrorCode =
  | 'invalid_key'
  | 'invalid_input'
  | 'malformed_envelope'
  | 'signature_invalid'
  | 'decrypt_failed'
  | 'timestamp_out_of_window'
  | 'replay_detected'
  | 'unknown_merchant'
  | 'validation_failed'
  | 'idempotency_key_required'
  | 'api_error';

/** `{ field: [messages] }` (the Wasabi gateway's 422 shape). */
export type FieldErrors = Record<string, string[]>;

/** Every failure cardwire throws. A real `Error` subclass. */
export class CardwireError extends Error {
  readonly name: 'CardwireError';
  readonly code: CardwireErrorCode;
  /** `validation_failed` (and a gateway 422 `api_error` with field errors). */
  readonly errors?: FieldErrors;
  /** `api_error`: the provider's code or slug. */
  readonly providerCode?: string;
  /** `api_error`: the provider's message. */
  readonly providerMessage?: string;
  /** `api_error`: the HTTP status, when known. */
  readonly status?: number | null;
  /** `api_error`: whether retrying later may succeed. */
  readonly retryable?: boolean;
  /** `api_error`: the operation may have happened; query before retrying. */
  readonly outcomeUnknown?: boolean;
  /** `api_error`: `Retry-After`, in milliseconds. */
  readonly retryAfterMs?: number | null;
  /** `api_error`: the provider's request id. */
  readonly requestId?: string | null;
  /**
   * `api_error`: whether the provider fields came under a verified signature
   * or MAC. `false` for an unsigned Wasabi error page (the HTTP status and the
   * retry advice still hold) and for providers whose answers are not signed.
   */
  readonly authenticated?: boolean;
}

/** A JSON payload: a plain object, JSON text, or the exact bytes. */
export type Payload = Record<string, unknown> | unknown[] | string | Uint8Array | ArrayBuffer;
/** A received body: text or bytes (never re-encoded before verification). */
export type Body = string | Uint8Array | ArrayBuffer;
/** Headers: a plain object, an array of pairs, or a fetch `Headers` / `Map`. */
export type HeadersInput = Record<string, string> | Array<[string, string]> | Headers | Map<string, string>;

/** An HTTP request to send. */
export interface OutgoingRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  /** The exact bytes that were signed. */
  body: Uint8Array;
  /** The body as text, when it is UTF-8 (`null` for binary multipart). */
  bodyText: string | null;
}

/** An HTTP response to send back (acknowledgements, sealed responses). */
export interface OutgoingResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** A signed webhook to POST to the merchant's callback URL. */
export interface SignedWebhook {
  headers: Record<string, string>;
  body: string;
}

/** A verified webhook. `duplicate: true` means: acknowledge it, skip the work. */
export interface WebhookEvent<T extends string = string, D = Record<string, unknown>> {
  type: T;
  data: D;
  raw: Record<string, unknown>;
  duplicate: boolean;
  /** The replay-store key: the signed delivery id or the authenticated content, hashed. */
  deliveryKey: string;
  /** How long the key must be kept, in milliseconds (default 48 h). */
  retentionMs: number;
  /** The provider's own delivery or request id, for logs (not signed unless WorldCard's nonce). */
  deliveryId: string | null;
  /** The signed timestamp, Unix ms, when the delivery carries one. */
  timestampMs: number | null;
  /** A business key for your own idempotency, where the provider's events have one. */
  businessKey: string | null;
}

export type WorldCardNotifyType =
  | 'card_open'
  | 'card_deposit'
  | 'card_close'
  | 'card_status_change'
  | 'card_billing'
  | 'card_3ds'
  | 'card_kyc';

/** WorldCard events: one of the seven documented types, or any other `notify_type` with its raw payload. */
export type WorldCardEvent = WebhookEvent<WorldCardNotifyType> | WebhookEvent<string>;

export type WasabiCategory =
  | 'card_holder'
  | 'card_holder_change_email'
  | 'card_transaction'
  | 'work'
  | 'wallet_transaction'
  | 'wallet_transaction_v2'
  | 'card_auth_transaction'
  | 'card_fee_patch'
  | 'card_3ds'
  | 'physical_card';

export type WasabiEvent = WebhookEvent<WasabiCategory> | WebhookEvent<string>;

export type LegacyEventType = 'top_up' | 'kyc' | 'bill' | 'close' | 'otp' | 'virtual_p' | 'oob' | 'transfer_order' | 'unknown';
export type PayCaEventType = 'card_transaction' | 'account_transaction' | 'cardholder_status' | 'unknown';

export interface BuildOptions {
  /** Unix seconds (WorldCard), milliseconds (legacy) or microseconds (PinToPay); default: now. */
  timestamp?: number | bigint;
  /** Default: 16 random bytes as hex, from `crypto.getRandomValues`. */
  nonce?: string;
  /** 32 bytes seeding the RNG (reproducible tests); default: `crypto.getRandomValues`. */
  random?: Uint8Array;
  /** Validate against the documented rules (default true). */
  validate?: boolean;
}

/** Webhook delivery settings every merchant class takes. */
export interface DeliveryOptions {
  /** How long delivery keys are kept, ms (default 48 h). */
  retentionMs?: number;
  /** Window on a signed webhook timestamp, ms, or `'off'` (default: ± the retention). */
  webhookWindowMs?: number | 'off';
}

export interface NowOption {
  /** Unix milliseconds; default `Date.now()`. */
  now?: number;
}

export interface StatusOption {
  /** The HTTP status, when known. */
  status?: number;
}

export interface WorldCardMerchantOptions {
  appId: string;
  /** PEM (PKCS#8 or PKCS#1) or bare Base64 DER. */
  privateKeyPem: string;
  /** 64 hex characters, 44 Base64 characters or 32 raw bytes. */
  aesKey: string;
  /** WorldCard's public key, needed to verify webhooks. */
  platformPublicKeyPem?: string;
  /** How long delivery keys are kept, ms (default 48 h). */
  retentionMs?: number;
  /** Window on the signed webhook timestamp, ms, or `'off'` (default: ± the retention). */
  webhookWindowMs?: number | 'off';
  /** Accept only PSS salt 32 (default: any salt length, as Go and Java signers differ). */
  strictPssSalt?: boolean;
  /** Validate request payloads (default true). */
  validate?: boolean;
}

export interface WorldCardResponse {
  code: number;
  message: string;
  /** `card_number`, `cvv`, `expiry_month`, `expiry_year` decrypted where non-empty. */
  data: Record<string, unknown> | null;
  /** Sensitive fields that arrived in clear (passed through, not decrypted). */
  unencrypted_fields: string[];
}

/** Objects holding keys live in WebAssembly memory: call `free()` (or use `using`) when done. */
interface Disposable {
  free(): void;
  [Symbol.dispose](): void;
}

export class WorldCardMerchant implements Disposable {
  constructor(options: WorldCardMerchantOptions);
  buildRequest(path: string, payload: Payload, options?: BuildOptions): OutgoingRequest;
  openResponse(body: Body, options?: StatusOption): WorldCardResponse;
  decryptField(value: string): string;
  verifyWebhook(headers: HeadersInput, body: Body, options?: NowOption): WorldCardEvent;
  static webhookAck(): OutgoingResponse;
  free(): void;
  [Symbol.dispose](): void;
}

export class WorldCardPlatform implements Disposable {
  constructor(options: { appId: string; merchantPublicKeyPem: string; aesKey: string; platformPrivateKeyPem?: string });
  verifyRequest(headers: HeadersInput, body: Body, options?: NowOption & { path?: string }): Record<string, unknown>;
  sealResponse(data: Payload): OutgoingResponse;
  signWebhook(eventType: WorldCardNotifyType | (string & {}), data: Payload, options?: { timestamp?: number; nonce?: string; random?: Uint8Array }): SignedWebhook;
  /** The platform's documented answer (HTTP status and message) to a failed check. */
  static rejection(error: CardwireError): OutgoingResponse;
  free(): void;
  [Symbol.dispose](): void;
}

export class WorldCardLegacy implements Disposable {
  constructor(options: { appKey: string; appSecret: string; paramsIn?: 'body' | 'query'; validate?: boolean } & DeliveryOptions);
  buildRequest(path: string, payload: Payload, options?: { timestamp?: number; nonce?: string; validate?: boolean }): OutgoingRequest;
  openResponse(body: Body, options?: StatusOption): unknown;
  decryptField(value: string): string;
  encryptField(value: string): string;
  verifyWebhook(headers: HeadersInput | null, body: Body, options?: NowOption): WebhookEvent<LegacyEventType, unknown>;
  static webhookAck(): OutgoingResponse;
  free(): void;
  [Symbol.dispose](): void;
}

export type RsaPadding = 'pkcs1v15' | 'oaep-sha1' | 'oaep-sha256';

export interface FileUpload {
  filename: string;
  contentType: string;
  bytes: Uint8Array | ArrayBuffer;
}

export class WasabiMerchant implements Disposable {
  constructor(options: {
    apiKey: string;
    privateKeyPem: string;
    platformPublicKeyPem?: string;
    responseSignature?: 'require' | 'verify-if-present' | 'off';
    fieldPadding?: RsaPadding;
    validate?: boolean;
  } & DeliveryOptions);
  buildRequest(path: string, payload?: Payload | null, options?: { validate?: boolean }): OutgoingRequest;
  uploadFile(file: FileUpload & { category: string }): OutgoingRequest;
  openResponse(headers: HeadersInput, body: Body, options?: StatusOption): { code: number; msg: string | null; data: unknown; signatureVerified: boolean };
  decryptField(value: string): string;
  openSensitive<T extends Record<string, unknown>>(data: T): T;
  verifyWebhook(headers: HeadersInput, body: Body, options?: NowOption): WasabiEvent;
  static webhookAck(): OutgoingResponse;
  free(): void;
  [Symbol.dispose](): void;
}

export class WasabiPlatform implements Disposable {
  constructor(options: { apiKey: string; platformPrivateKeyPem: string; merchantPublicKeyPem: string });
  verifyRequest(headers: HeadersInput, body: Body): unknown;
  signResponse(data: Payload): OutgoingResponse;
  signNotification(category: WasabiCategory | (string & {}), data: Payload, requestId: string): SignedWebhook;
  encryptField(text: string, padding?: RsaPadding): string;
  static isAcknowledged(status: number, body: Body): boolean;
  free(): void;
  [Symbol.dispose](): void;
}

export interface RetryDecision {
  retry: boolean;
  delayMs: number;
  reason: string;
}

export interface GatewayEvent {
  id: number | null;
  category: string | null;
  reference_id: string | null;
  merchant_order_no: string | null;
  status: string | null;
  payload: unknown;
  request_id: string | null;
  signature_verified: boolean | null;
  /** Only `signature_verified === true` is trusted. */
  trusted: boolean;
  created_at: string | null;
  updated_at: string | null;
}

export class WasabiGateway implements Disposable {
  constructor(options: { apiKey: string; validate?: boolean });
  /** `method` names the operation on `work-orders/` (`GET` lists, `POST` submits). */
  buildRequest(endpoint: string, params?: Payload | null, options?: { method?: 'GET' | 'POST'; validate?: boolean }): OutgoingRequest;
  /** `path`: the endpoint that was called (a 5xx on a money movement is never retryable). */
  openResponse(status: number, headers: HeadersInput, body: Body, options: { path: string; now?: number }): unknown;
  retryDecision(endpoint: string, error: CardwireError, attempts: number): RetryDecision;
  static parseWebhookEvents(data: unknown): { total: number | null; per_page: number | null; current_page: number | null; last_page: number | null; events: GatewayEvent[] };
  free(): void;
  [Symbol.dispose](): void;
}

export class PinToPayMerchant implements Disposable {
  constructor(options: { apiKey: string; apiSecret: string; validate?: boolean } & DeliveryOptions);
  buildRequest(path: string, payload: Payload, options?: { timestamp?: number | bigint; idempotencyKey?: string; random?: Uint8Array; validate?: boolean }): OutgoingRequest;
  openResponse(body: Body, options?: StatusOption): unknown;
  verifyWebhook(headers: HeadersInput, body: Body, options?: NowOption): WebhookEvent;
  static webhookAck(): OutgoingResponse;
  free(): void;
  [Symbol.dispose](): void;
}

export class PinToPayPlatform implements Disposable {
  constructor(options: { apiKey: string; apiSecret: string });
  verifyRequest(headers: HeadersInput, body: Body, options: NowOption & { path: string }): Record<string, unknown>;
  sealResponse(data: Payload): OutgoingResponse;
  sealError(status: number, slug: string, message: string): OutgoingResponse;
  signWebhook(eventType: string, data: Payload): SignedWebhook;
  free(): void;
  [Symbol.dispose](): void;
}

export interface PayCaRequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  pathParams?: Record<string, string>;
  query?: Record<string, string> | Array<[string, string]>;
  idempotencyKey?: string;
  requestId?: string;
  validate?: boolean;
}

export class PayCaClient implements Disposable {
  constructor(options: { clientId: string; clientSecret: string; validate?: boolean } & DeliveryOptions);
  buildRequest(path: string, payload?: Payload | null, options?: PayCaRequestOptions): OutgoingRequest;
  uploadKycDocument(userId: string, file: FileUpload, type: string, options?: { idempotencyKey?: string }): OutgoingRequest;
  uploadCardholderFile(file: FileUpload, options?: { idempotencyKey?: string }): OutgoingRequest;
  openResponse(status: number, headers: HeadersInput, body: Body): unknown;
  verifyWebhook(headers: HeadersInput, body: Body, options?: NowOption): WebhookEvent<PayCaEventType, unknown>;
  static webhookAck(): OutgoingResponse;
  free(): void;
  [Symbol.dispose](): void;
}

export class PayCaPlatform implements Disposable {
  constructor(options: { clientId: string; clientSecret: string });
  verifyRequest(headers: HeadersInput): void;
  signWebhook(body: Payload, options?: { requestId?: string; idempotencyKey?: string }): SignedWebhook;
  free(): void;
  [Symbol.dispose](): void;
}

export type ProviderName = 'worldcard' | 'worldcard_legacy' | 'wasabi' | 'wasabi_gateway' | 'pintopay' | 'payca';

export interface ValidationReport {
  covered: boolean;
  checked: number;
  /** Rules skipped for lack of context (today's date, the Wasabi card-type record). */
  skipped: string[];
}

/** Validates a payload against the documented rules; throws `CardwireError` `validation_failed` with `.errors`. */
export function validate(provider: ProviderName, endpoint: string, payload: Payload, options?: { today?: string; cardType?: Record<string, unknown> }): ValidationReport;

/** Every stable error code, from the core catalog. */
export function errorCodes(): CardwireErrorCode[];
