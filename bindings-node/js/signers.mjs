// `cardwire/signers`: keys that never enter the process. Finish a prepared
// envelope with a signer that lives elsewhere: an HSM (PKCS#11), AWS KMS,
// Google Cloud KMS, a non-extractable WebCrypto key. Plain JavaScript with
// no imports, so the same file serves browsers, bundlers and Node (the
// CommonJS copy, signers.cjs, is made from it by scripts/build-wasm.sh).
//
// `prepareRequest` (`prepareWebhook`, `prepareResponse`) builds everything
// but the signature and returns the exact bytes to sign (`signInput`), their
// SHA-256 (`digest`) and the `algorithm` (`RSASSA_PSS_SHA_256`, salt 32, for
// WorldCard; `RSASSA_PKCS1_V1_5_SHA_256` for Wasabi). `finish…` checks the
// signature with the public key first: a misconfigured signer is a
// `signer_mismatch` error naming the likely cause, never a provider's 401.
// Whatever the signer returns goes to `finish…` as it is (an ArrayBuffer as
// bytes), so a wrong type is the core's own `invalid_input`.

const asBytes = (v) => (v instanceof ArrayBuffer ? new Uint8Array(v) : v);

/** Signs `prepared.signInput` with `signer(signInput, { algorithm, digest })` (sync or async) and finishes it. */
export async function finishWith(owner, prepared, signer) {
  const signature = asBytes(await signer(prepared.signInput, { algorithm: prepared.algorithm, digest: prepared.digest }));
  if ('method' in prepared) return owner.finishRequest(prepared, signature);
  if ('status' in prepared) return owner.finishResponse(prepared, signature);
  return owner.finishWebhook(prepared, signature);
}

/** Decrypts a Wasabi card field block by block with `decryptor(block, { algorithm })` and joins the blocks. */
export async function decryptWith(owner, value, decryptor) {
  const prepared = owner.prepareDecrypt(value);
  const plaintexts = [];
  for (const block of prepared.blocks) plaintexts.push(asBytes(await decryptor(block, { algorithm: prepared.algorithm })));
  return owner.finishDecrypt(prepared, plaintexts);
}

/** A signer over a WebCrypto `CryptoKey` (extractable or not): RSA-PSS with saltLength 32, or RSASSA-PKCS1-v1_5; the key's hash must be SHA-256. */
export function webCryptoSigner(key, subtle = globalThis.crypto.subtle) {
  return async (signInput, { algorithm }) => {
    const params = algorithm === 'RSASSA_PSS_SHA_256' ? { name: 'RSA-PSS', saltLength: 32 } : { name: 'RSASSA-PKCS1-v1_5' };
    return new Uint8Array(await subtle.sign(params, key, signInput));
  };
}
