// One app for every runtime (Node, Bun, Deno, workerd): the package imported
// by name, so each runtime picks its own export condition. `fetch(request)`
// serves a Fetch API webhook receiver per provider (`webhookHandler`),
// `/handled` (what the handlers saw), `/outputs` (deterministic outputs:
// requests built, webhooks signed, vectors verified, a card sealed, with
// fixed clocks, nonces and seeds, for comparing byte for byte with Node's),
// and `/bench?op=…&n=…` (N iterations timed by the host over loopback:
// workerd's clock stands still during a request).
import * as cw from 'cardwire';
import K from './keys.mjs';

const seed = (n) => new Uint8Array(32).fill(n);
const NOW = 1764000000000;
const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const text = (b) => (typeof b === 'string' ? b : new TextDecoder().decode(b));

export const merchants = () => ({
  worldcard: new cw.WorldCardMerchant({ appId: 'app_edge', privateKeyPem: K.merchant2048, aesKey: K.aes, platformPublicKeyPem: K.platform2048pub }),
  legacy: new cw.WorldCardLegacy({ appKey: 'app_edge', appSecret: K.legacySecret }),
  wasabi: new cw.WasabiMerchant({ apiKey: 'wsb_edge', privateKeyPem: K.merchant1024, platformPublicKeyPem: K.platform1024pub }),
  pintopay: new cw.PinToPayMerchant({ apiKey: 'ptp_edge', apiSecret: K.pintopaySecret }),
  payca: new cw.PayCaClient({ clientId: 'payca_edge', clientSecret: K.paycaSecret }),
});

export const platforms = () => ({
  worldcard: new cw.WorldCardPlatform({ appId: 'app_edge', merchantPublicKeyPem: K.merchant2048pub, aesKey: K.aes, platformPrivateKeyPem: K.platform2048 }),
  legacy: new cw.WorldCardLegacyPlatform({ appKey: 'app_edge', appSecret: K.legacySecret }),
  wasabi: new cw.WasabiPlatform({ apiKey: 'wsb_edge', platformPrivateKeyPem: K.platform1024, merchantPublicKeyPem: K.merchant1024pub }),
  pintopay: new cw.PinToPayPlatform({ apiKey: 'ptp_edge', apiSecret: K.pintopaySecret }),
  payca: new cw.PayCaPlatform({ clientId: 'payca_edge', clientSecret: K.paycaSecret }),
});

/** The same operations in every runtime; every value as text. */
export function outputs() {
  const m = merchants();
  const p = platforms();
  const req = (r) => ({ method: r.method, path: r.path, headers: r.headers, body: text(r.body) });
  const hook = (h) => ({ headers: h.headers, body: text(h.body) });
  const out = {
    backend: cw.backend,
    worldcardRequest: req(m.worldcard.buildRequest('/api/v1/card/virtual/get_info', { card_id: 'c-1' }, { nowMs: NOW, nonce: 'n-1', random: seed(1) })),
    legacyRequest: req(m.legacy.buildRequest('/op/card/E/info', { cardNumber: '4000' }, { nowMs: NOW, nonce: 'n-3' })),
    wasabiRequest: req(m.wasabi.buildRequest('/merchant/core/mcb/card/info', { cardNo: 'c1' })),
    pintopayRequest: req(m.pintopay.buildRequest('/api/v1/cards/topup', { card_id: 'c', amount: '25.50' }, { nowMs: NOW, idempotencyKey: 'idem-1', random: seed(2) })),
    paycaRequest: req(m.payca.buildRequest('/v1/users', { externalId: 'usr-001' }, { requestId: 'rq-1' })),
    worldcardWebhook: hook(p.worldcard.signWebhook('card_deposit', { card_id: 'c-1', amount: '50.00', status: 1 }, { nowMs: NOW, nonce: 'n-2', random: seed(3) })),
    wasabiWebhook: hook(p.wasabi.signWebhook('card_transaction', { orderNo: 'T-1', status: 'success' }, { requestId: 'rq-2' })),
    pintopayWebhook: hook(p.pintopay.signWebhook('card.transaction', { card_id: 'c-1', amount: '9.99' }, { random: seed(4) })),
    paycaWebhook: hook(p.payca.signWebhook('card_transaction', { cardId: 'c-1', amount: '12.50' }, { requestId: 'rq-3' })),
    legacyWebhook: hook(p.legacy.signWebhook({ orderNo: 'O1', merOrderNo: 'M1', status: '2', settleAmount: '20.10' })),
    sealed: cw.sealCardForBrowser(JSON.stringify({ pan: '4937241000003841', cvv: '123', expiry_month: '09', expiry_year: '2029' }), K.revealPublicKey,
      { cardId: 'c-1', requestId: K.revealRequestId, expiresAtMs: NOW + 60000, nowMs: NOW, random: seed(5) }),
  };
  // Each signed webhook verified back by the merchant side, and the sealed card's digest.
  out.verified = Object.fromEntries(Object.entries(m).map(([k, r]) => {
    const h = out[`${k}Webhook`];
    const ev = r.checkWebhook(h.headers, h.body, { nowMs: NOW });
    return [k, { type: ev.type, data: ev.data, deliveryKey: ev.deliveryKey, businessKey: ev.businessKey }];
  }));
  return out;
}

/** `op` N times: the pure path or the runtime's WebCrypto path where one exists. */
export async function bench(op, n) {
  const m = merchants();
  const p = platforms();
  const hooks = {
    worldcard: p.worldcard.signWebhook('card_deposit', { card_id: 'c-1', amount: '50.00', status: 1 }),
    wasabi: p.wasabi.signWebhook('card_transaction', { orderNo: 'T-1', status: 'success' }),
    payca: p.payca.signWebhook('card_transaction', { cardId: 'c-1', amount: '12.50' }),
  };
  const ops = {
    'worldcard.verifyWebhook': () => m.worldcard.checkWebhook(hooks.worldcard.headers, hooks.worldcard.body),
    'wasabi.verifyWebhook': () => m.wasabi.checkWebhook(hooks.wasabi.headers, hooks.wasabi.body),
    'payca.verifyWebhook': () => m.payca.checkWebhook(hooks.payca.headers, hooks.payca.body),
    'worldcard.buildRequest': () => m.worldcard.buildRequest('/api/v1/card/virtual/get_info', { card_id: 'c-1' }),
    'wasabi.buildRequest': () => m.wasabi.buildRequest('/merchant/core/mcb/card/info', { cardNo: 'c1' }),
  };
  const f = ops[op];
  if (!f) throw new Error(`unknown op ${op}`);
  let last;
  for (let i = 0; i < n; i++) last = await f();
  return { op, n, ok: last !== undefined };
}

/** The server's handler: a receiver per provider, and the test routes. */
export function app() {
  const handled = [];
  const receivers = merchants();
  const handlers = Object.fromEntries(Object.entries(receivers).map(([k, r]) => [k, cw.webhookHandler(r, async (event) => {
    handled.push({ provider: k, type: event.type, data: event.data, deliveryKey: event.deliveryKey });
  })]));
  return async (request) => {
    const url = new URL(request.url);
    const route = url.pathname.slice(1);
    if (route === 'handled') return Response.json(handled);
    if (route === 'outputs') return Response.json(outputs());
    if (route === 'bench') return Response.json(await bench(url.searchParams.get('op'), Number(url.searchParams.get('n'))));
    if (route === 'resolved') return Response.json({ backend: cw.backend, reason: cw.nativeUnavailableReason });
    const h = handlers[route];
    return h ? h(request) : new Response('no such route', { status: 404 });
  };
}
