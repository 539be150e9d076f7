// The same package through `require` (index.d.cts): a CommonJS receiver.
import cardwire = require('cardwire');

const m = new cardwire.PayCaClient({ clientId: 'c', clientSecret: 's' });
export function receive(headers: import('node:http').IncomingHttpHeaders, body: Buffer): number {
  try {
    const ev = m.verifyWebhook(headers, body);
    return ev.duplicate ? 204 : 204;
  } catch (e) {
    if (e instanceof cardwire.CardwireError) return e.code === 'store_unavailable' ? 503 : 401;
    throw e;
  }
}
// @ts-expect-error: not a class of the package
void cardwire.StripeClient;
const backend: 'native' | 'wasm' = cardwire.backend;
void backend;
