// cardwire/signers and the two-step forms, under tsc --strict.
import { WorldCardMerchant, WasabiMerchant, WasabiPlatform, type OutgoingRequest, type OutgoingResponse, type SignedWebhook } from 'cardwire';
import { finishWith, decryptWith, webCryptoSigner, type SignerFn } from 'cardwire/signers';

export async function sign(key: CryptoKey, pem: string): Promise<OutgoingRequest> {
  const m = new WorldCardMerchant({ appId: 'a', privateKeyPem: pem, externalKey: true, aesKey: 'k'.repeat(32) });
  const prepared = m.prepareRequest('/api/v1/card/virtual/get_info', { card_id: 'c' });
  const input: Uint8Array = prepared.signInput;
  const digest: Uint8Array = prepared.digest;
  const algorithm: string = prepared.algorithm;
  const kms: SignerFn = async (_i, info) => info.digest;
  void input; void digest; void algorithm; void kms;
  return finishWith(m, prepared, webCryptoSigner(key));
}

export async function wasabi(pem: string, field: string, signer: SignerFn): Promise<[string, OutgoingResponse, SignedWebhook]> {
  const m = new WasabiMerchant({ apiKey: 'k', privateKeyPem: pem, externalKey: true });
  const text: string = await decryptWith(m, field, async (block) => block);
  const p = new WasabiPlatform({ apiKey: 'k', platformPrivateKeyPem: pem, merchantPublicKeyPem: pem, externalKey: true });
  const response: OutgoingResponse = await finishWith(p, p.prepareResponse({ ok: true }), signer);
  const hook: SignedWebhook = await finishWith(p, p.prepareWebhook('card_transaction', {}), signer);
  // @ts-expect-error: a signature is bytes
  m.finishRequest(m.prepareRequest('/x', {}), 'base64');
  return [text, response, hook];
}
