// The merchant classes drive a full card lifecycle per provider against
// `cardwire sandbox` over real HTTP on 127.0.0.1 (tests/sandbox/lifecycle.json)
// and receive the webhooks it sends: verified, acknowledged, a redelivery
// recognised as a duplicate. On the native addon and on forced WebAssembly.
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as cw from 'cardwire';
import { ROOT } from './helpers.mjs';

const LIFECYCLE = JSON.parse(readFileSync(join(ROOT, 'tests/sandbox/lifecycle.json'), 'utf8'));
const BIN = process.env.CARDWIRE_BIN ?? join(ROOT, 'target/release/cardwire');
const RUN = String(Date.now() % 10_000_000);

function merchant(provider, c) {
  const p = c[provider];
  switch (provider) {
    case 'worldcard': return new cw.WorldCardMerchant({ appId: p.app_id, privateKeyPem: p.private_key_pem, aesKey: p.aes_key, platformPublicKeyPem: p.platform_public_key_pem });
    case 'legacy': return new cw.WorldCardLegacy({ appKey: p.app_key, appSecret: p.app_secret });
    case 'wasabi': return new cw.WasabiMerchant({ apiKey: p.api_key, privateKeyPem: p.private_key_pem, platformPublicKeyPem: p.platform_public_key_pem });
    case 'gateway': return new cw.WasabiGateway({ apiKey: p.api_key });
    case 'pintopay': return new cw.PinToPayMerchant({ apiKey: p.api_key, apiSecret: p.api_secret });
    default: return new cw.PayCaClient({ clientId: p.client_id, clientSecret: p.client_secret });
  }
}

const fill = (v, vars) => {
  if (typeof v === 'string') return v.replace(/\{(\w+)\}/g, (_, k) => vars[k]);
  if (Array.isArray(v)) return v.map((x) => fill(x, vars));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, vars)]));
  return v;
};
const dig = (v, path) => path.split('.').reduce((x, k) => x[k], v);
const send = async (base, req) => {
  const res = await fetch(base + req.path, { method: req.method, headers: req.headers, body: req.body.length ? req.body : undefined });
  return [res.status, res.headers, new Uint8Array(await res.arrayBuffer())];
};

let sandbox, receiverServer, base, creds;
const events = {};
const merchants = {};

test.before(async () => {
  receiverServer = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const provider = req.url.split('/').pop();
      const m = merchants[provider];
      try {
        const ev = m.verifyWebhook(req.headers, Buffer.concat(chunks));
        (events[provider] ??= []).push([ev.type, ev.duplicate]);
        const ack = m.constructor.webhookAck();
        res.writeHead(ack.status, ack.headers).end(Buffer.from(ack.body));
      } catch (e) {
        res.writeHead(401).end(e.code);
      }
    });
  });
  await new Promise((r) => receiverServer.listen(0, '127.0.0.1', r));
  const hooks = `http://127.0.0.1:${receiverServer.address().port}/hooks`;
  const credsFile = join(mkdtempSync(join(tmpdir(), 'cw-')), 'creds.json');
  const args = ['sandbox', '--listen', '127.0.0.1:0', '--credentials-out', credsFile, '--time-scale', '0.001'];
  for (const p of ['worldcard', 'legacy', 'wasabi', 'pintopay', 'payca']) args.push('--webhook-url', `${p}=${hooks}/${p}`);
  sandbox = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise((resolve, reject) => {
    let out = '';
    sandbox.stdout.on('data', (d) => { out += d; const m = out.match(/listening on (http:\/\/[\d.:]+)/); if (m) resolve(m[1]); });
    sandbox.on('exit', (c) => reject(new Error(`sandbox exited ${c}`)));
  });
  creds = JSON.parse(readFileSync(credsFile, 'utf8'));
  for (const p of Object.keys(LIFECYCLE.providers)) merchants[p] = merchant(p, creds);
});

test.after(() => {
  sandbox?.kill();
  receiverServer?.close();
});

for (const [provider, spec] of Object.entries(LIFECYCLE.providers)) {
  test(`${provider}: a full lifecycle against the sandbox, its webhooks verified`, async () => {
    const m = merchant(provider, creds);
    const url = creds[provider].base_url;
    const vars = { run: `${RUN}${process.env.CARDWIRE_FORCE_WASM ? '9' : '1'}` };
    for (const step of spec.steps) {
      const path = fill(step.path, vars);
      const payload = fill(step.payload ?? null, vars);
      let data;
      if (provider === 'gateway') {
        const [s, h, b] = await send(url, m.buildRequest(path, payload, step.method ? { method: step.method } : undefined));
        data = m.openResponse(s, h, b, { path }).data;
      } else {
        const opts = {};
        if (provider === 'pintopay' && step.idempotency_key) opts.idempotencyKey = fill(step.idempotency_key, vars);
        if (provider === 'payca') { opts.method = step.method ?? 'POST'; if (step.query) opts.query = step.query; }
        const [s, h, b] = await send(url, m.buildRequest(path, payload, opts));
        data = m.openResponse(s, h, b).data;
      }
      if (step.sensitive) data = m.openSensitive(data);
      for (const [name, p] of Object.entries(step.capture ?? {})) vars[name] = String(dig(data, p));
      for (const [p, want] of Object.entries(step.expect ?? {})) assert.equal(String(dig(data, p)), String(want), `${provider} ${path} ${p}`);
      for (const p of Object.values(step.card_fields ?? {})) assert.ok(String(dig(data, p)).length >= 3, `${provider} ${path} ${p}`);
    }
    const mine = async () => (JSON.parse(Buffer.from(await (await fetch(`${base}/_admin/deliveries`)).arrayBuffer()).toString())).filter((d) => d.provider === provider);
    if (provider === 'gateway') {
      const [s, h, b] = await send(url, m.buildRequest('webhook-events', { merchant_order_no: `gd-${vars.run}-000000001` }, { method: 'GET' }));
      const page = cw.WasabiGateway.parseWebhookEvents(m.openResponse(s, h, b, { path: 'webhook-events' }).data);
      assert.equal(page.events[0].category, 'card_transaction');
      return;
    }
    const expected = spec.webhooks.length;
    for (let i = 0; i < 200; i++) {
      const d = await mine();
      if (d.filter((x) => x.acked).length >= expected && d.every((x) => x.done)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok((await mine()).every((d) => d.acked), 'every delivery acknowledged');
    const got = (events[provider] ?? []).filter(([, dup]) => !dup).map(([t]) => t).slice(-expected).sort();
    assert.deepEqual(got, [...spec.webhooks].sort());
    const start = (events[provider] ?? []).length;
    execFileSync(BIN, ['trigger', provider, spec.redeliver, '--sandbox', base, '--redeliver', '1']);
    for (let i = 0; i < 200 && (events[provider] ?? []).length < start + 2; i++) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(events[provider].slice(start, start + 2).map(([, dup]) => dup), [false, true]);
  });
}

test('the credentials file makes each provider\'s client in one line: new cw[entry.class](entry.options)', async () => {
  for (const [provider, entry] of Object.entries(creds)) {
    const client = new cw[entry.class](entry.options);
    assert.equal(client.constructor.name, entry.class, provider);
    assert.ok(!('sandbox_private_key_pem' in entry.options) && !('base_url' in entry.options), provider);
  }
  const payca = new cw[creds.payca.class](creds.payca.options);
  const [s, h, b] = await send(creds.payca.base_url, payca.buildRequest('/v1/cards', null, { method: 'GET' }));
  assert.equal(s, 200);
  assert.ok(Array.isArray(payca.openResponse(s, h, b).data.data));
  const pintopay = new cw[creds.pintopay.class](creds.pintopay.options);
  const [s2, h2, b2] = await send(creds.pintopay.base_url, pintopay.buildRequest('/api/v1/project/balance', {}));
  assert.equal(s2, 200);
  assert.ok(pintopay.openResponse(s2, h2, b2).data !== undefined);
});
