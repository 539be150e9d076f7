// cardwire/reveal: the card reveal alone, for a page that only shows card
// details. No WebAssembly: the browser's own WebCrypto does X25519, HMAC
// (HKDF) and AES-GCM, and this file does RFC 9180 HPKE's framing around them,
// exactly as docs/reveal-format.md writes it. The private key is a
// non-extractable CryptoKey: no script, this one included, can read it.

import { CardwireError } from './error.js';

const te = new TextEncoder();
const LABEL = te.encode('cardwire card reveal v1');
const HPKE_V1 = te.encode('HPKE-v1');
const SUITE_KEM = new Uint8Array([0x4b, 0x45, 0x4d, 0x00, 0x20]); // "KEM" ‖ 0x0020
const SUITE = new Uint8Array([0x48, 0x50, 0x4b, 0x45, 0x00, 0x20, 0x00, 0x01, 0x00, 0x02]); // "HPKE" ‖ kem ‖ kdf ‖ aead
const HEADER = 9;
const ENC = 32;
const TAG = 16;
const MAX_ID = 128;
/** Default lifetime of a reveal key: two minutes. */
export const DEFAULT_TTL_MS = 120_000;

const fail = (code, message) => new CardwireError(code, message);

function subtle() {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  if (!s) throw fail('random_unavailable', 'no WebCrypto here (crypto.subtle): the card reveal needs a secure context (https or localhost)');
  return s;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) { out.set(p, i); i += p.length; }
  return out;
}

const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function unb64(text) {
  const t = String(text).trim().replace(/-/g, '+').replace(/_/g, '/');
  try {
    const bin = atob(t + '='.repeat((4 - (t.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    throw fail('malformed_envelope', 'sealed reveal is not Base64url');
  }
}

function checkId(what, id) {
  if (typeof id !== 'string' || id.length === 0 || te.encode(id).length > MAX_ID || /[\u0000-\u001f\u007f]/.test(id)) {
    throw fail('invalid_input', `${what} must be 1 to ${MAX_ID} printable characters`);
  }
}

async function hmac(key, data) {
  const k = await subtle().importKey('raw', key.length ? key : new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', k, data));
}

// RFC 9180 §4: LabeledExtract and LabeledExpand over HKDF-SHA256. Every
// output here is at most 32 bytes: one HKDF-Expand block.
const labeledExtract = (suite, salt, label, ikm) => hmac(salt, concat(HPKE_V1, suite, te.encode(label), ikm));
async function labeledExpand(suite, prk, label, info, length) {
  const l = new Uint8Array([length >> 8, length & 0xff]);
  return (await hmac(prk, concat(l, HPKE_V1, suite, te.encode(label), info, new Uint8Array([1])))).slice(0, length);
}

/**
 * Opens a sealed reveal (docs/reveal-format.md) with an X25519 private
 * `CryptoKey` and its raw public key, for `cardId` and `requestId`, at
 * `nowMs`. Resolves to the card fields; rejects with a `CardwireError`:
 * `malformed_envelope`, `timestamp_out_of_window` or `decrypt_failed`.
 */
export async function openSealed({ privateKey, publicKey, cardId, requestId, sealed, nowMs = Date.now() }) {
  checkId('cardId', cardId);
  checkId('requestId', requestId);
  const blob = unb64(sealed);
  if (blob[0] !== 1) throw fail('malformed_envelope', `sealed reveal has format version ${blob[0] ?? 0}; this build opens version 1`);
  if (blob.length < HEADER + ENC + TAG) throw fail('malformed_envelope', 'sealed reveal is too short');
  const aad = blob.subarray(0, HEADER);
  const expires = Number(new DataView(aad.buffer, aad.byteOffset, HEADER).getBigUint64(1));
  if (nowMs > expires) throw fail('timestamp_out_of_window', 'the sealed reveal has expired');
  const enc = blob.slice(HEADER, HEADER + ENC);
  const ct = blob.subarray(HEADER + ENC);
  const info = concat(LABEL, new Uint8Array([0]), te.encode(cardId), new Uint8Array([0]), te.encode(requestId));
  let plain;
  try {
    const s = subtle();
    const pkE = await s.importKey('raw', enc, { name: 'X25519' }, false, []);
    const dh = new Uint8Array(await s.deriveBits({ name: 'X25519', public: pkE }, privateKey, 256));
    const eae = await labeledExtract(SUITE_KEM, new Uint8Array(0), 'eae_prk', dh);
    const shared = await labeledExpand(SUITE_KEM, eae, 'shared_secret', concat(enc, publicKey), 32);
    const context = concat(
      new Uint8Array([0]),
      await labeledExtract(SUITE, new Uint8Array(0), 'psk_id_hash', new Uint8Array(0)),
      await labeledExtract(SUITE, new Uint8Array(0), 'info_hash', info),
    );
    const secret = await labeledExtract(SUITE, shared, 'secret', new Uint8Array(0));
    const key = await s.importKey('raw', await labeledExpand(SUITE, secret, 'key', context, 32), 'AES-GCM', false, ['decrypt']);
    const nonce = await labeledExpand(SUITE, secret, 'base_nonce', context, 12);
    plain = new Uint8Array(await s.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad }, key, ct));
  } catch (e) {
    if (e instanceof CardwireError) throw e;
    throw fail('decrypt_failed', 'decryption failed');
  }
  let fields;
  try {
    fields = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
  } catch {
    throw fail('malformed_envelope', 'the sealed card is not a JSON object');
  }
  if (!fields || typeof fields !== 'object' || Array.isArray(fields) || Object.values(fields).some((v) => typeof v !== 'string')) {
    throw fail('malformed_envelope', 'the sealed card is not a JSON object of text fields');
  }
  return fields;
}

/**
 * The page side of a card reveal: an X25519 key pair made by WebCrypto (the
 * private half non-extractable) and a fresh request id, for one card. Send
 * `request()` to your back end; `open()` the sealed answer once. The key is
 * dropped after the first open (whatever its outcome) and at expiry.
 */
export class CardReveal {
  #privateKey;
  #publicKey;
  #timer;

  constructor(privateKey, publicKey, cardId, requestId, expiresAtMs) {
    this.#privateKey = privateKey;
    this.#publicKey = publicKey;
    /** The card this reveal is for. */
    this.cardId = cardId;
    /** 16 random bytes as lowercase hex. */
    this.requestId = requestId;
    /** When the key is dropped, Unix ms. */
    this.expiresAtMs = expiresAtMs;
    /** The raw X25519 public key, Base64url (43 characters). */
    this.publicKey = b64url(publicKey);
    Object.freeze(this);
  }

  /** Makes the key pair and request id: `{ cardId, ttlMs? (default two minutes), nowMs? }`. */
  static async start({ cardId, ttlMs = DEFAULT_TTL_MS, nowMs = Date.now() } = {}) {
    checkId('cardId', cardId);
    if (!Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > 3_600_000) {
      throw fail('invalid_input', 'ttlMs must be between 1 and 3600000 (one hour)');
    }
    const s = subtle();
    let pair;
    try {
      pair = await s.generateKey({ name: 'X25519' }, false, ['deriveBits']);
    } catch {
      throw fail('random_unavailable', 'this browser has no X25519 in WebCrypto: use the full package (`cardwire`), whose CardReveal runs in WebAssembly');
    }
    const publicKey = new Uint8Array(await s.exportKey('raw', pair.publicKey));
    const id = globalThis.crypto.getRandomValues(new Uint8Array(16));
    const requestId = Array.from(id, (b) => b.toString(16).padStart(2, '0')).join('');
    const reveal = new CardReveal(pair.privateKey, publicKey, cardId, requestId, nowMs + ttlMs);
    const wait = Math.max(0, nowMs + ttlMs - Date.now());
    reveal.#timer = setTimeout(() => reveal.#forget(), wait);
    if (reveal.#timer && typeof reveal.#timer.unref === 'function') reveal.#timer.unref();
    return reveal;
  }

  /** What to send to the back end. */
  request() {
    return { publicKey: this.publicKey, requestId: this.requestId, cardId: this.cardId, expiresAtMs: this.expiresAtMs };
  }

  /** Opens the back end's sealed answer, once: the card fields. */
  async open(sealed, { nowMs = Date.now() } = {}) {
    const privateKey = this.#privateKey;
    this.#forget();
    if (!privateKey) throw fail('replay_detected', 'this reveal key was used or has expired: start a new reveal');
    if (nowMs > this.expiresAtMs) throw fail('timestamp_out_of_window', 'this reveal key has expired: start a new reveal');
    return openSealed({ privateKey, publicKey: this.#publicKey, cardId: this.cardId, requestId: this.requestId, sealed, nowMs });
  }

  #forget() {
    this.#privateKey = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

export { CardwireError };
