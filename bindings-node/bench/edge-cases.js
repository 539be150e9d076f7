// The RSA operations of the edge issue, three ways each, in any runtime with
// WebCrypto (Node, Chromium, Bun, Deno, workerd): cardwire's pure path (the
// sync API on WebAssembly), cardwire's async API (WebCrypto underneath), and
// the same operation written by hand with WebCrypto. `setup` returns
// `{ op: { impl: async fn } }`; every fn is checked once before anything is
// timed (`check`).
const hex = (s) => Uint8Array.from(s.match(/../g), (h) => parseInt(h, 16));
const b64 = (u8) => { let s = ''; for (let i = 0; i < u8.length; i++) s += String.fromCharCode(u8[i]); return btoa(s); };
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const der = (pem) => unb64(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''));
const enc = new TextEncoder();
const dec = new TextDecoder();
const concat = (...parts) => { const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0)); let at = 0; for (const p of parts) { out.set(p, at); at += p.length; } return out; };
const AES = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';

export async function setup({ cw, subtle, keys }) {
  const wc = new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: keys.merchant2048, aesKey: AES, platformPublicKeyPem: keys.platform2048pub });
  const wcp = new cw.WorldCardPlatform({ appId: 'app', merchantPublicKeyPem: keys.merchant2048pub, aesKey: AES, platformPrivateKeyPem: keys.platform2048 });
  const ws = new cw.WasabiMerchant({ apiKey: 'wsb', privateKeyPem: keys.merchant1024, platformPublicKeyPem: keys.platform1024pub });
  const wsp = new cw.WasabiPlatform({ apiKey: 'wsb', platformPrivateKeyPem: keys.platform1024, merchantPublicKeyPem: keys.merchant1024pub });
  const wcHook = wcp.signWebhook('card_deposit', { card_id: 'c-1', amount: '50.00', status: 1 });
  const wsHook = wsp.signWebhook('card_transaction', { orderNo: 'T-1', status: 'success', amount: '1.00' });
  const payload = { card_id: '1234567890123456' };
  const wsPayload = { cardNo: 'c1' };

  // Hand-written: keys imported once, like cardwire's.
  const aes = await subtle.importKey('raw', hex(AES), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const pss = { name: 'RSA-PSS', hash: 'SHA-256' };
  const pkcs = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const wcSign = await subtle.importKey('pkcs8', der(keys.merchant2048), pss, false, ['sign']);
  const wcVerify = await subtle.importKey('spki', der(keys.platform2048pub), pss, false, ['verify']);
  const wsSign = await subtle.importKey('pkcs8', der(keys.merchant1024), pkcs, false, ['sign']);
  const wsVerify = await subtle.importKey('spki', der(keys.platform1024pub), pkcs, false, ['verify']);
  const hdr = (h, name) => { for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === name) return v; return undefined; };

  const wcHand = {
    async verify() {
      const body = typeof wcHook.body === 'string' ? enc.encode(wcHook.body) : wcHook.body;
      const h = wcHook.headers;
      const signed = concat(body, enc.encode(hdr(h, 'x-timestamp')), enc.encode(hdr(h, 'x-nonce')));
      if (!(await subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, wcVerify, unb64(hdr(h, 'x-signature')), signed))) throw new Error('bad signature');
      const raw = unb64(JSON.parse(dec.decode(body)).data);
      return JSON.parse(dec.decode(await subtle.decrypt({ name: 'AES-GCM', iv: raw.subarray(0, 12) }, aes, raw.subarray(12))));
    },
    async build() {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv }, aes, enc.encode(JSON.stringify(payload))));
      const body = enc.encode(JSON.stringify({ data: b64(concat(iv, ct)) }));
      const ts = String(Math.floor(Date.now() / 1000));
      const nonce = b64(crypto.getRandomValues(new Uint8Array(12)));
      const sig = new Uint8Array(await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, wcSign, concat(body, enc.encode(ts), enc.encode(nonce))));
      return { headers: { 'Content-Type': 'application/json', 'X-App-Id': 'app', 'X-Timestamp': ts, 'X-Nonce': nonce, 'X-Signature': b64(sig) }, body };
    },
  };
  const wsHand = {
    async verify() {
      const body = typeof wsHook.body === 'string' ? enc.encode(wsHook.body) : wsHook.body;
      if (!(await subtle.verify('RSASSA-PKCS1-v1_5', wsVerify, unb64(hdr(wsHook.headers, 'x-wsb-signature')), body))) throw new Error('bad signature');
      return JSON.parse(dec.decode(body));
    },
    async build() {
      const body = enc.encode(JSON.stringify(wsPayload));
      const sig = new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', wsSign, body));
      return { headers: { 'Content-Type': 'application/json', 'X-WSB-API-KEY': 'wsb', 'X-WSB-SIGNATURE': b64(sig) }, body };
    },
  };
  const ok = {
    wcVerify: (e) => (e.data ?? e).card_id === 'c-1',
    wsVerify: (e) => (e.data ?? e).orderNo === 'T-1',
    request: (r) => r && r.headers && r.body,
  };
  return {
    'WorldCard verifyWebhook (PSS 2048 + AES-GCM)': {
      check: ok.wcVerify,
      'cardwire sync (pure)': () => wc.checkWebhook(wcHook.headers, wcHook.body),
      'cardwire async (WebCrypto)': () => wc.checkWebhookAsync(wcHook.headers, wcHook.body),
      'hand-written WebCrypto': () => wcHand.verify(),
    },
    'WorldCard buildRequest (AES-GCM + PSS 2048)': {
      check: ok.request,
      'cardwire sync (pure)': () => wc.buildRequest('/api/v1/card/virtual/get_info', payload),
      'cardwire async (WebCrypto)': () => wc.buildRequestAsync('/api/v1/card/virtual/get_info', payload),
      'hand-written WebCrypto': () => wcHand.build(),
    },
    'Wasabi verifyWebhook (PKCS#1 1024)': {
      check: ok.wsVerify,
      'cardwire sync (pure)': () => ws.checkWebhook(wsHook.headers, wsHook.body),
      'cardwire async (WebCrypto)': () => ws.checkWebhookAsync(wsHook.headers, wsHook.body),
      'hand-written WebCrypto': () => wsHand.verify(),
    },
    'Wasabi buildRequest (PKCS#1 1024)': {
      check: ok.request,
      'cardwire sync (pure)': () => ws.buildRequest('/merchant/core/mcb/card/info', wsPayload),
      'cardwire async (WebCrypto)': () => ws.buildRequestAsync('/merchant/core/mcb/card/info', wsPayload),
      'hand-written WebCrypto': () => wsHand.build(),
    },
  };
}

/** Runs each case once and checks it (a bench never times a failing operation). */
export async function check(cases) {
  for (const [op, impls] of Object.entries(cases)) {
    for (const [impl, fn] of Object.entries(impls)) {
      if (impl === 'check') continue;
      if (!impls.check(await fn())) throw new Error(`${op} / ${impl}: the operation does not succeed; refusing to time it`);
    }
  }
}

/** Microseconds per call: warm-up, then a timed loop of at least `minMs`. */
export async function time(fn, minMs = 300) {
  for (let i = 0; i < 5; i++) await fn();
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs || n < 10) {
    await fn();
    n++;
    elapsed = performance.now() - start;
  }
  return (elapsed * 1000) / n;
}

/**
 * One operation's implementations side by side: each warmed up for
 * `warmMs` (WebAssembly reaches its optimizing tier; WebCrypto keys are
 * imported), then `rounds` rounds in which each runs for `roundMs` in turn;
 * the median round per implementation, in µs per call. Interleaving keeps
 * a slow spell of the machine from landing on one implementation only.
 */
export async function timeSideBySide(impls, { warmMs = 250, rounds = 7, roundMs = 60 } = {}) {
  const names = Object.keys(impls).filter((k) => k !== 'check');
  const per = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) {
    const end = performance.now() + warmMs;
    let i = 0;
    while (performance.now() < end || i < 20) { await impls[n](); i++; }
  }
  for (let r = 0; r < rounds; r++) for (const n of names) per[n].push(await time(impls[n], roundMs));
  const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  return Object.fromEntries(names.map((n) => [n, median(per[n])]));
}

/** `n` calls of one case, untimed (workerd: the host times the request). */
export async function loop(cases, op, impl, n) {
  const fn = cases[op][impl];
  for (let i = 0; i < n; i++) await fn();
}
