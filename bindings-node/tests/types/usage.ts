// Compiled (not run) by the types test: every class, option object, event
// union and error field is used with its declared type.
import {
  CardwireError, WorldCardMerchant, WasabiGateway, PinToPayMerchant, PayCaClient, validate, errorCodes,
  type CardwireErrorCode, type OutgoingRequest, type WorldCardEvent, type RetryDecision,
} from 'cardwire';

const m = new WorldCardMerchant({ appId: 'a', privateKeyPem: '', aesKey: '', webhookWindowMs: 300_000 });
const req: OutgoingRequest = m.buildRequest('/api/v1/card/virtual/get_info', { card_id: '1' }, { timestampS: 1, nonce: 'n' });
const bytes: Uint8Array = req.body;
const ev: WorldCardEvent = m.verifyWebhook(new Headers(), bytes, { nowMs: Date.now() });
const dup: boolean = ev.duplicate;
if (ev.type === 'card_open') {
  const ms: number | null = ev.timestampMs;
  const key: string = ev.deliveryKey;
  void key;
  void ms;
}
try {
  validate('worldcard', '/api/v1/card/deposit', { amount: '1' });
} catch (e) {
  if (e instanceof CardwireError) {
    const c: CardwireErrorCode = e.code;
    const errs = e.errors?.amount?.[0];
    const retry: RetryDecision = new WasabiGateway({ apiKey: 'k' }).retryDecision('cards/info', e, 1);
    void c; void errs; void retry;
  }
}
const codes: CardwireErrorCode[] = errorCodes();
const p = new PinToPayMerchant({ apiKey: 'k', apiSecret: 'secret-123' });
p.buildRequest('/api/v1/cards/topup', '{"card_id":"c","amount":"1"}', { idempotencyKey: 'i', timestampUs: 1n });
{
  using c = new PayCaClient({ clientId: 'c', clientSecret: 's' });
  c.buildRequest('/v1/cards', null, { method: 'GET', query: { limit: '10' } });
}
void dup; void codes;
