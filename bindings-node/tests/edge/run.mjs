// cardwire in real edge runtimes: workerd (through miniflare, bundled the way
// wrangler bundles: the `workerd` condition, .wasm as a compiled module),
// Bun and Deno, each importing the package by name through its own export
// condition. In each: the deterministic outputs (requests built, webhooks
// signed and verified, a card sealed) equal Node's byte for byte, and the
// edge recipes (examples/edge: a receiver per provider over HTTP on a
// loopback port; Hono on Bun; the Next.js route handler on Node) acknowledge
// a delivery, acknowledge its redelivery without handling it again, and
// refuse a forgery. Prints "edge: N passed, M failed".
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as esbuild from 'esbuild';
import { Miniflare } from 'miniflare';
import * as cw from 'cardwire';
import { ROOT } from '../browser/harness.mjs';

const HERE = join(ROOT, 'bindings-node/tests/edge');
const BIN = join(ROOT, 'bindings-node/node_modules/.bin');
const OUT = join(ROOT, 'target/edge');
mkdirSync(OUT, { recursive: true });
const checks = [];
const check = (name, ok, detail = '') => {
  checks.push(ok);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : `: ${detail}`}`);
};

// Test keys (tests/vectors/keys), one module every runtime imports.
const key = (n) => readFileSync(join(ROOT, 'tests/vectors/keys', n), 'utf8');
const NOW = 1764000000000;
// The same seed makes the same reveal key and request id: one per runtime (a reveal opens once).
const newReveal = () => new cw.CardReveal({ cardId: 'c-1', nowMs: NOW, random: new Uint8Array(32).fill(9) });
const reveal = newReveal();
const K = {
  merchant2048: key('merchant_2048.pkcs8.pem'), merchant2048pub: key('merchant_2048.spki.pem'),
  platform2048: key('platform_2048.pkcs8.pem'), platform2048pub: key('platform_2048.spki.pem'),
  merchant1024: key('merchant_1024.pkcs8.pem'), merchant1024pub: key('merchant_1024.spki.pem'),
  platform1024: key('platform_1024.pkcs8.pem'), platform1024pub: key('platform_1024.spki.pem'),
  aes: '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a',
  legacySecret: 'sBOvCZZurSbbdJiA', pintopaySecret: 'ptp-edge-secret', paycaSecret: 'payca-edge-secret',
  revealPublicKey: reveal.publicKey, revealRequestId: reveal.requestId,
};
writeFileSync(join(HERE, 'keys.mjs'), `// Written by run.mjs from tests/vectors/keys (test keys only).\nexport default ${JSON.stringify(K, null, 1)};\n`);
const { outputs, platforms } = await import('./app.mjs');
const expected = outputs();
const { backend: _, ...want } = expected;

// The recipes' environment: the same keys under the variables receivers.mjs reads.
const ENV = {
  WORLDCARD_APP_ID: 'app_edge', WORLDCARD_PRIVATE_KEY_PEM: K.merchant2048, WORLDCARD_AES_KEY: K.aes, WORLDCARD_PLATFORM_PUBLIC_KEY_PEM: K.platform2048pub,
  LEGACY_APP_KEY: 'app_edge', LEGACY_APP_SECRET: K.legacySecret,
  WASABI_API_KEY: 'wsb_edge', WASABI_PRIVATE_KEY_PEM: K.merchant1024, WASABI_PLATFORM_PUBLIC_KEY_PEM: K.platform1024pub,
  PINTOPAY_API_KEY: 'ptp_edge', PINTOPAY_API_SECRET: K.pintopaySecret,
  PAYCA_CLIENT_ID: 'payca_edge', PAYCA_CLIENT_SECRET: K.paycaSecret,
};
const PROVIDERS = ['worldcard', 'legacy', 'wasabi', 'pintopay', 'payca'];

// RSA-PSS signatures are randomized (the native addon signs with AWS-LC's own
// RNG, whatever the seed): compared without them, each checked by node:crypto.
const PSS_SIGNED = ['worldcardRequest', 'worldcardWebhook'];
const unsigned = (v) => ({ ...v, headers: Object.fromEntries(Object.entries(v.headers).filter(([k]) => k.toLowerCase() !== 'x-signature')) });
const pssOk = (v, pub) => {
  const h = Object.fromEntries(Object.entries(v.headers).map(([k, x]) => [k.toLowerCase(), x]));
  const signed = Buffer.from(v.body + h['x-timestamp'] + h['x-nonce']);
  return crypto.verify('sha256', signed, { key: pub, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(h['x-signature'], 'base64'));
};
function compare(runtime, got) {
  const { backend, ...rest } = got;
  const same = (k) => (PSS_SIGNED.includes(k) ? isDeepStrictEqual(unsigned(want[k]), unsigned(rest[k])) : isDeepStrictEqual(want[k], rest[k]));
  const differs = Object.keys(want).filter((k) => !same(k));
  check(`${runtime} (${backend}): every output equals Node's (${Object.keys(want).length} kinds; PSS signatures apart)`, differs.length === 0, differs.join(', '));
  check(`${runtime}: its PSS signatures verify with node:crypto`, pssOk(rest.worldcardRequest, K.merchant2048pub) && pssOk(rest.worldcardWebhook, K.platform2048pub));
  const opened = newReveal().open(rest.sealed, { nowMs: NOW + 1 });
  check(`${runtime}: the card it sealed opens in Node`, (typeof opened === 'string' ? JSON.parse(opened) : opened).pan === '4937241000003841');
}

/** Starts a process that prints `listening on URL`; resolves with the URL and its output. */
function serve(cmd, args, env) {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const url = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start: ${out}`)), 30_000);
    const take = (d) => {
      out += d;
      lines.push(...String(d).split('\n').filter(Boolean));
      const m = out.match(/listening on (http:\/\/[\w.:]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', (c) => reject(new Error(`${cmd} exited ${c}: ${out}`)));
  });
  return { child, url, lines };
}

/** One provider's tamper: a signed byte changed. */
function tamper(body) {
  const b = new TextEncoder().encode(typeof body === 'string' ? body : new TextDecoder().decode(body));
  for (let i = b.length >> 1; i < b.length; i++) {
    if (/[A-Za-z0-9]/.test(String.fromCharCode(b[i]))) { b[i] = b[i] === 0x41 ? 0x42 : 0x41; return b; }
  }
  return b;
}

/** Delivery, redelivery, forgery to each provider's route; each handled once (per `handledLines()`). */
async function receive(runtime, post, handledLines) {
  const p = platforms();
  const hooks = {
    worldcard: p.worldcard.signWebhook('card_deposit', { card_id: `c-${runtime}`, amount: '50.00', status: 1 }),
    legacy: p.legacy.signWebhook({ orderNo: `O-${runtime}`, merOrderNo: 'M1', status: '2', settleAmount: '20.10' }),
    wasabi: p.wasabi.signWebhook('card_transaction', { orderNo: `T-${runtime}`, status: 'success' }),
    pintopay: p.pintopay.signWebhook('card.transaction', { card_id: `c-${runtime}`, amount: '9.99' }),
    payca: p.payca.signWebhook('card_transaction', { cardId: `c-${runtime}`, amount: '12.50' }),
  };
  const ack = { worldcard: 200, legacy: 200, wasabi: 200, pintopay: 200, payca: 204 };
  for (const provider of PROVIDERS) {
    const h = hooks[provider];
    const statuses = [];
    for (const body of [h.body, h.body, tamper(h.body)]) statuses.push((await post(`/webhooks/${provider}`, h.headers, body)).status);
    check(`${runtime}: ${provider} delivery, redelivery, forgery → ${statuses.join(', ')}`, isDeepStrictEqual(statuses, [ack[provider], ack[provider], 401]));
  }
  const lines = await handledLines();
  const handled = PROVIDERS.map((pr) => lines.filter((l) => l.startsWith(`handled ${pr} `)).length);
  check(`${runtime}: each provider's event handled once`, handled.every((n) => n === 1), handled.join(','));
}

const httpPost = (base) => async (path, headers, body) => fetch(base + path, { method: 'POST', headers, body });
const settle = () => new Promise((r) => setTimeout(r, 300));

// --- Bun and Deno: the outputs, then the recipes over HTTP.
const runtimes = [
  // entry: the file `cardwire` resolves to there (Bun takes the `node` condition, and the
  // native addon; Deno its own, the WebAssembly module built for speed).
  { name: 'bun', entry: /\/index\.node\.mjs$/, cmd: join(BIN, 'bun'), outputs: [join(HERE, 'print-outputs.mjs')], recipes: [['bun', [join(ROOT, 'examples/edge/bun.mjs')]], ['hono on bun', [join(ROOT, 'examples/edge/hono.mjs')]]] },
  { name: 'deno', entry: /\/index\.server\.js$/, cmd: join(BIN, 'deno'), outputs: ['run', '-A', '--node-modules-dir=manual', join(HERE, 'print-outputs.mjs')], recipes: [['deno', ['run', '-A', '--node-modules-dir=manual', join(ROOT, 'examples/edge/deno.mjs')]]] },
];
for (const rt of runtimes) {
  try {
    const out = await new Promise((resolve, reject) => {
      const c = spawn(rt.cmd, rt.outputs, { cwd: join(ROOT, 'bindings-node'), stdio: ['ignore', 'pipe', 'inherit'] });
      let s = '';
      c.stdout.on('data', (d) => { s += d; });
      c.on('exit', (code) => (code === 0 ? resolve(s) : reject(new Error(`${rt.name} exited ${code}`))));
    });
    const lines = out.trim().split('\n');
    const { entry } = JSON.parse(lines[0]);
    check(`${rt.name}: \`cardwire\` resolves to ${entry.split('/').pop()}`, rt.entry.test(entry), entry);
    compare(rt.name, JSON.parse(lines.pop()));
  } catch (e) {
    check(`${rt.name}: outputs`, false, e.message);
  }
  for (const [name, args] of rt.recipes) {
    const s = serve(rt.cmd, args, { ...ENV, PORT: '0' });
    try {
      const base = await s.url;
      await receive(name, httpPost(base), async () => { await settle(); return s.lines; });
    } catch (e) {
      check(`${name}: the recipe runs`, false, e.message);
    } finally {
      s.child.kill();
    }
  }
}

// --- workerd: bundled like wrangler (the `workerd` condition; .wasm left as a compiled module), run by miniflare.
async function bundle(entry, name) {
  await esbuild.build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', outfile: join(OUT, name),
    conditions: ['workerd', 'worker', 'browser'], mainFields: ['module', 'main'], external: ['*.wasm'], logLevel: 'error',
    nodePaths: [join(ROOT, 'bindings-node/node_modules')],
  });
  copyFileSync(join(ROOT, 'bindings-node/pkg/cardwire_wasm_speed_bg.wasm'), join(OUT, 'cardwire_wasm_speed_bg.wasm'));
  return join(OUT, name);
}
const workerLines = [];
async function workerd(script, bindings) {
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path: script }, { type: 'CompiledWasm', path: join(OUT, 'cardwire_wasm_speed_bg.wasm') }],
    modulesRoot: OUT, compatibilityDate: '2025-01-01', bindings,
    handleRuntimeStdio(stdout, stderr) {
      for (const s of [stdout, stderr]) s.on('data', (d) => workerLines.push(...String(d).split('\n').filter(Boolean)));
    },
  });
  return { mf, url: await mf.ready };
}
try {
  const { mf, url } = await workerd(await bundle(join(HERE, 'worker-app.mjs'), 'app.mjs'));
  try {
    compare('workerd', await (await fetch(new URL('/outputs', url))).json());
  } finally {
    await mf.dispose();
  }
  const recipe = await workerd(await bundle(join(ROOT, 'examples/edge/worker.mjs'), 'recipe.mjs'), ENV);
  try {
    await receive('workerd', async (path, headers, body) => fetch(new URL(path, recipe.url), { method: 'POST', headers, body }),
      async () => { await settle(); return workerLines; });
  } finally {
    await recipe.mf.dispose();
  }
} catch (e) {
  check('workerd: runs', false, e.stack);
}

// --- The Next.js route handler, called as Next calls it (Node).
Object.assign(process.env, ENV);
const logged = [];
const log = console.log;
console.log = (...a) => { logged.push(a.join(' ')); log(...a); };
try {
  const { POST } = await import(join(ROOT, 'examples/edge/next-route.mjs'));
  await receive('next.js route', (path, headers, body) => POST(new Request(`http://localhost${path}`, { method: 'POST', headers, body })), async () => logged);
} finally {
  console.log = log;
}

const failed = checks.filter((ok) => !ok).length;
console.log(`edge: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
