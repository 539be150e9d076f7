// Types of `cardwire/signers` (hand-written: plain JavaScript over the classes).
import type { OutgoingRequest, OutgoingResponse, SignedWebhook, PreparedRequest, PreparedResponse, PreparedWebhook } from './index.js';

export type SignAlgorithm = 'RSASSA_PSS_SHA_256' | 'RSASSA_PKCS1_V1_5_SHA_256';
/** Your HSM, KMS or WebCrypto call: the raw signature over `signInput` (or over `digest`, as a digest). */
export type SignerFn = (signInput: Uint8Array, info: { algorithm: SignAlgorithm | string; digest: Uint8Array }) => Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>;
/** Your HSM call: one block's plaintext, padding removed. */
export type DecryptorFn = (block: Uint8Array, info: { algorithm: string }) => Uint8Array | ArrayBuffer | Promise<Uint8Array | ArrayBuffer>;

interface Finishes {
  finishRequest?(prepared: PreparedRequest, signature: Uint8Array): OutgoingRequest;
  finishResponse?(prepared: PreparedResponse, signature: Uint8Array): OutgoingResponse;
  finishWebhook?(prepared: PreparedWebhook, signature: Uint8Array): SignedWebhook;
}
export function finishWith(owner: Finishes, prepared: PreparedRequest, signer: SignerFn): Promise<OutgoingRequest>;
export function finishWith(owner: Finishes, prepared: PreparedResponse, signer: SignerFn): Promise<OutgoingResponse>;
export function finishWith(owner: Finishes, prepared: PreparedWebhook, signer: SignerFn): Promise<SignedWebhook>;
export function decryptWith(owner: { prepareDecrypt(value: string): { blocks: Uint8Array[]; algorithm: string }; finishDecrypt(prepared: unknown, plaintexts: unknown): string }, value: string, decryptor: DecryptorFn): Promise<string>;
/** A signer over a WebCrypto `CryptoKey` (non-extractable works): RSA-PSS saltLength 32, or RSASSA-PKCS1-v1_5. */
export function webCryptoSigner(key: CryptoKey, subtle?: SubtleCrypto): SignerFn;
