// Benchmark cases shared by Node (bench.mjs) and Chromium (bench.html):
// cardwire (WebAssembly) against WebCrypto, node-forge and tweetnacl.
// Each case reports microseconds per operation (mean over a timed loop).

export async function time(fn, { minMs = 400, minIters = 5 } = {}) {
  for (let i = 0; i < 3; i++) await fn(); // warm up
  let iters = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs || iters < minIters) {
    await fn();
    iters++;
    elapsed = performance.now() - start;
  }
  return (elapsed * 1000) / iters;
}

const hex = (s) => Uint8Array.from(s.match(/../g), (h) => parseInt(h, 16));
const b64 = (u8) => btoa(String.fromCharCode(...u8));
const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const der = (pem) => unb64(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''));
const enc = new TextEncoder();

export async function runAll({ cw, forge, nacl, subtle, keys, log }) {
  const AES = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
  const results = [];
  // Every case runs once and is checked before it is timed.
  const record = async (op, impl, fn, check) => {
    const out = await fn();
    if (!check(out)) throw new Error(`${op} / ${impl}: the operation does not succeed; refusing to time it`);
    const us = await time(fn);
    results.push({ op, impl, us });
    log(`${op.padEnd(34)} ${impl.padEnd(26)} ${us.toFixed(1).padStart(10)} µs`);
  };
  const payload1k = JSON.stringify({ card_id: '1234567890123456', memo: 'x'.repeat(1024 - 45) });

  // Keys, parsed once per implementation.
  const merchant = new cw.WorldCardMerchant({ appId: 'app', privateKeyPem: keys.merchantPriv, aesKey: AES, platformPublicKeyPem: keys.platformPub });
  const platform = new cw.WorldCardPlatform({ appId: 'app', merchantPublicKeyPem: keys.merchantPub, aesKey: AES, platformPrivateKeyPem: keys.platformPriv });
  const aesKey = await subtle.importKey('raw', hex(AES), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const pssPriv = await subtle.importKey('pkcs8', der(keys.merchantPriv), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
  const pssPub = await subtle.importKey('spki', der(keys.platformPub), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']);
  const forgePriv = forge.pki.privateKeyFromPem(keys.merchantPriv);
  const forgePub = forge.pki.publicKeyFromPem(keys.platformPub);
  const forgeAes = forge.util.hexToBytes(AES);

  // 1. One 16-byte card field (AES-256-GCM).
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, enc.encode('4937241000003841')));
  const field = b64(new Uint8Array([...iv, ...ct]));
  const isPan = (v) => v === '4937241000003841';
  await record('decrypt 16-byte card field', 'cardwire (wasm)', () => merchant.decryptField(field), isPan);
  await record('decrypt 16-byte card field', 'WebCrypto (awaited)', async () => {
    const raw = unb64(field);
    return new TextDecoder().decode(await subtle.decrypt({ name: 'AES-GCM', iv: raw.subarray(0, 12) }, aesKey, raw.subarray(12)));
  }, isPan);
  await record('decrypt 16-byte card field', 'node-forge', () => {
    const raw = forge.util.decode64(field);
    const d = forge.cipher.createDecipher('AES-GCM', forgeAes);
    d.start({ iv: raw.slice(0, 12), tag: forge.util.createBuffer(raw.slice(-16)) });
    d.update(forge.util.createBuffer(raw.slice(12, -16)));
    if (!d.finish()) throw new Error('tag');
    return d.output.toString();
  }, isPan);

  // 2. A 1 KB PinToPay envelope (XSalsa20-Poly1305).
  const secret = 'pk_bench_secret_123';
  const ptp = new cw.PinToPayMerchant({ apiKey: 'k', apiSecret: secret });
  const ptpPlatform = new cw.PinToPayPlatform({ apiKey: 'k', apiSecret: secret });
  const sealed = ptpPlatform.sealResponse(payload1k).bodyText;
  const isCard = (v) => v && v.card_id === '1234567890123456';
  const naclKey = new Uint8Array(await subtle.digest('SHA-256', enc.encode(secret)));
  await record('open 1 KB PinToPay envelope', 'cardwire (wasm)', () => ptp.openResponse(200, {}, sealed).data, isCard);
  await record('open 1 KB PinToPay envelope', 'tweetnacl', () => {
    const raw = unb64(JSON.parse(sealed).encrypted);
    const out = nacl.secretbox.open(raw.subarray(25), raw.subarray(1, 25), naclKey);
    return JSON.parse(new TextDecoder().decode(out));
  }, isCard);

  // 3. WorldCard build_request (AES-GCM body + RSA-PSS-2048 signature), 1 KB payload.
  const signed = (r) => r && r.headers['X-Signature'].length > 300;
  await record('WorldCard build_request 1 KB', 'cardwire (wasm)', () => merchant.buildRequest('/api/v1/card/virtual/get_info', payload1k, { nonce: 'bench-nonce', timestampS: 1764000000, validate: false }), signed);
  await record('WorldCard build_request 1 KB', 'WebCrypto (awaited)', async () => {
    const n = crypto.getRandomValues(new Uint8Array(12));
    const c = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: n }, aesKey, enc.encode(payload1k)));
    const body = `{"data":"${b64(new Uint8Array([...n, ...c]))}"}`;
    const sig = await subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, pssPriv, enc.encode(body + '1764000000bench-nonce'));
    return { headers: { 'X-Signature': b64(new Uint8Array(sig)) }, body };
  }, signed);
  await record('WorldCard build_request 1 KB', 'node-forge', () => {
    const c = forge.cipher.createCipher('AES-GCM', forgeAes);
    const n = forge.random.getBytesSync(12);
    c.start({ iv: n });
    c.update(forge.util.createBuffer(payload1k, 'utf8'));
    c.finish();
    const body = `{"data":"${forge.util.encode64(n + c.output.getBytes() + c.mode.tag.getBytes())}"}`;
    const md = forge.md.sha256.create();
    md.update(body + '1764000000bench-nonce', 'utf8');
    const pss = forge.pss.create({ md: forge.md.sha256.create(), mgf: forge.mgf.mgf1.create(forge.md.sha256.create()), saltLength: 32 });
    return { headers: { 'X-Signature': forge.util.encode64(forgePriv.sign(md, pss)) }, body };
  }, signed);

  // 4. WorldCard verify_webhook (RSA-PSS-2048 verify + AES-GCM decrypt), 1 KB payload.
  const hook = platform.signWebhook('card_billing', payload1k, { nonce: 'n1', timestampMs: 1764000000000 });
  const hookHeaders = hook.headers;
  const hookText = hook.bodyText;
  const billed = (v) => v && v.card_id === '1234567890123456';
  await record('WorldCard verify_webhook 1 KB', 'cardwire (wasm)', () => merchant.verifyWebhook(hookHeaders, hook.body, { nowMs: 1764000000000 }).data, billed);
  await record('WorldCard verify_webhook 1 KB', 'WebCrypto (awaited)', async () => {
    const ok = await subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, pssPub, unb64(hookHeaders['X-Signature']), enc.encode(hookText + hookHeaders['X-Timestamp'] + hookHeaders['X-Nonce']));
    if (!ok) throw new Error('sig');
    const raw = unb64(JSON.parse(hookText).data);
    return JSON.parse(new TextDecoder().decode(await subtle.decrypt({ name: 'AES-GCM', iv: raw.subarray(0, 12) }, aesKey, raw.subarray(12))));
  }, billed);
  await record('WorldCard verify_webhook 1 KB', 'node-forge', () => {
    const md = forge.md.sha256.create();
    md.update(hookText + hookHeaders['X-Timestamp'] + hookHeaders['X-Nonce'], 'utf8');
    const pss = forge.pss.create({ md: forge.md.sha256.create(), mgf: forge.mgf.mgf1.create(forge.md.sha256.create()), saltLength: 32 });
    if (!forgePub.verify(md.digest().getBytes(), forge.util.decode64(hookHeaders['X-Signature']), pss)) throw new Error('sig');
    const raw = forge.util.decode64(JSON.parse(hookText).data);
    const d = forge.cipher.createDecipher('AES-GCM', forgeAes);
    d.start({ iv: raw.slice(0, 12), tag: forge.util.createBuffer(raw.slice(-16)) });
    d.update(forge.util.createBuffer(raw.slice(12, -16)));
    if (!d.finish()) throw new Error('tag');
    return JSON.parse(forge.util.decodeUtf8(d.output.getBytes()));
  }, billed);

  // 5. Card reveal: the back end's seal, and the page's whole round (a
  // fresh key pair, the seal made for it, one open).
  const card = { pan: '4937241000003841', cvv: '123', expiry_month: '09', expiry_year: '29' };
  const page = cw.CardReveal.start({ cardId: 'card-1' });
  const sealFor = (r) => cw.sealCardForBrowser(card, r.publicKey, { cardId: 'card-1', requestId: r.requestId, expiresAtMs: Date.now() + 60_000 });
  await record('card reveal: seal (PAN, CVV, expiry)', 'cardwire (wasm)', () => sealFor(page), (v) => typeof v === 'string' && v.length > 100);
  await record('card reveal: start + seal + open', 'cardwire (wasm)', () => {
    const r = cw.CardReveal.start({ cardId: 'card-1' });
    const out = r.open(sealFor(r));
    r.free();
    return out;
  }, (v) => v && v.pan === card.pan);
  return results;
}
