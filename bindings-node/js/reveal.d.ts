import { CardwireError } from './index.js';

/** Default lifetime of a reveal key: two minutes. */
export const DEFAULT_TTL_MS: number;

/** What the page sends its back end. */
export interface RevealRequest {
  /** The raw X25519 public key, Base64url (43 characters). */
  publicKey: string;
  /** 16 random bytes as lowercase hex. */
  requestId: string;
  /** The card it is for. */
  cardId: string;
  /** When the key is dropped, Unix ms. */
  expiresAtMs: number;
}

/**
 * The page side of a card reveal, without WebAssembly: WebCrypto's X25519
 * (non-extractable private key), HMAC and AES-GCM, framed as
 * docs/reveal-format.md writes it. Opens once; the key is dropped after the
 * first open and at expiry.
 */
export class CardReveal {
  private constructor();
  /** Makes the key pair and request id. Rejects with `random_unavailable` where WebCrypto has no X25519. */
  static start(options: { cardId: string; ttlMs?: number; nowMs?: number }): Promise<CardReveal>;
  readonly cardId: string;
  readonly requestId: string;
  readonly expiresAtMs: number;
  readonly publicKey: string;
  /** What to send to the back end. */
  request(): RevealRequest;
  /** Opens the sealed answer, once: the card fields (`pan`, `cvv`, `expiry_month`, ...). */
  open(sealed: string, options?: { nowMs?: number }): Promise<Record<string, string>>;
}

/** Opens a sealed reveal with a key pair of your own (an X25519 private `CryptoKey` and its raw public key). */
export function openSealed(options: {
  privateKey: CryptoKey;
  publicKey: Uint8Array;
  cardId: string;
  requestId: string;
  sealed: string;
  nowMs?: number;
}): Promise<Record<string, string>>;

export { CardwireError };
