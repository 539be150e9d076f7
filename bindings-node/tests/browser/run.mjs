// Runs the browser suite and the example page in real headless Chromium
// (Debian's /usr/bin/chromium, driven by playwright-core), serving the
// repository from 127.0.0.1. Prints "browser: N passed, M failed".
import { mkdir, readFile } from 'node:fs/promises';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CSP, ROOT, serve, start } from './harness.mjs';

// The example back ends, and the account keys and secrets they hold: none of
// these may reach the page.
const BACKENDS = [
  { name: 'rust', cmd: join(ROOT, 'target/release/reveal-backend'), args: [] },
  { name: 'node', cmd: process.execPath, args: [join(ROOT, 'examples/reveal/backend.mjs')] },
  { name: 'python', cmd: join(ROOT, '.venv-py/bin/python'), args: [join(ROOT, 'examples/reveal/backend.py')] },
];
const pem = await readFile(join(ROOT, 'tests/vectors/keys/merchant_2048.pkcs8.pem'), 'utf8');
const wcFixture = JSON.parse(await readFile(join(ROOT, 'tests/vectors/worldcard/response_virtual_get_info.json'), 'utf8'));
const ptpFixture = JSON.parse(await readFile(join(ROOT, 'tests/vectors/pintopay/response_card_details.json'), 'utf8'));
const SECRETS = [
  ...pem.split('\n').filter((l) => l.length === 64).slice(0, 6).map((l, i) => [`merchant private key line ${i + 2}`, l]),
  ['WorldCard AES key', wcFixture.aes_key],
  ['WorldCard AES key (upper case)', wcFixture.aes_key.toUpperCase()],
  ['PinToPay API secret', ptpFixture.api_secret],
  ['PinToPay API secret (JSON-escaped)', JSON.stringify(ptpFixture.api_secret).slice(1, -1)],
];

// The detector must see a secret when one is there (else the checks below prove nothing).
for (const [name, secret] of SECRETS) {
  const page = `<script>const leaked = ${JSON.stringify(secret)};</script>`;
  if (!SECRETS.some(([n, s]) => n === name && page.includes(s))) throw new Error(`the secret detector misses ${name}`);
}
if (!SECRETS.some(([, s]) => pem.includes(s))) throw new Error('the secret detector misses the private key PEM');

function startBackend(backend) {
  return new Promise((resolve, reject) => {
    const child = spawn(backend.cmd, backend.args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.on('error', reject);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve({ base: m[1], stop: () => child.kill() });
    });
    child.on('exit', (code) => reject(new Error(`${backend.name} back end exited (${code}): ${out}`)));
  });
}

// Mounts the isolated card frame (frameUrl) on the host test page at `base`,
// reveals the card sealed by `seal`, and returns what the frame shows and
// what a script of the host page can read of it.
async function revealIsolated(ctx, base, frameUrl, seal) {
  const hp = await ctx.newPage();
  const hostLogs = [];
  hp.on('console', (m) => hostLogs.push(m.text()));
  await hp.exposeFunction('__seal', seal);
  await hp.goto(`${base}/bindings-node/tests/browser/isolated-host.html?frame=${encodeURIComponent(frameUrl)}`);
  await hp.waitForFunction(() => window.__mounted === true);
  const fl = hp.frameLocator('iframe');
  await fl.getByRole('button', { name: 'Show card details' }).click();
  await hp.waitForFunction(() => window.__events.some(([t]) => t === 'revealed' || t === 'error'));
  await fl.getByRole('button', { name: 'Unmask' }).click();
  const shown = await fl.locator('cardwire-card [data-field=pan] .value').textContent();
  const hostReads = await hp.evaluate(() => {
    const f = document.querySelector('iframe');
    let read;
    try { read = f.contentWindow.document.body.innerHTML; } catch (e) { read = `refused: ${e.name}`; }
    return { contentDocument: f.contentDocument, read, html: document.documentElement.outerHTML, events: window.__events };
  });
  return { hp, hostLogs, shown, hostReads };
}

const { base, browser, close } = await start();
let passed = 0, failed = 0;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/bindings-node/tests/browser/index.html`);
  await page.waitForFunction(() => window.__results, null, { timeout: 120_000 });
  for (const r of await page.evaluate(() => window.__results)) {
    if (r.ok) passed++; else { failed++; console.log(`FAIL ${r.name}\n${r.error}`); }
    if (r.ok) console.log(`ok ${r.name}`);
  }
  if (errors.length) { failed++; console.log('page errors:', errors); }
  // The request a non-extractable key signed in the page, verified by Python `cryptography`.
  const signed = await page.evaluate(() => window.__externalSigned);
  const verify = spawnSync(join(ROOT, '.venv-py/bin/python'), ['-c', `
import base64, json, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
d = json.load(sys.stdin)
k = serialization.load_pem_public_key(open("tests/vectors/keys/merchant_2048.spki.pem", "rb").read())
k.verify(base64.b64decode(d["signature"]), base64.b64decode(d["signInput"]), padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
print("verified")`], { cwd: ROOT, input: JSON.stringify(signed ?? {}), encoding: 'utf8' });
  if (verify.stdout.trim() === 'verified') { passed++; console.log('ok cryptography verifies the request the WebCrypto key signed in Chromium'); }
  else { failed++; console.log(`FAIL cryptography verifies the request the WebCrypto key signed in Chromium\n${verify.stderr}`); }

  // cardwire/reveal in Chromium, on a page that loads nothing else: WebCrypto
  // only (no WebAssembly fetched), opens what the full package seals, once.
  // The median open time is a measurement for BENCHMARKS.md, printed, never
  // asserted.
  {
    const fetched = [];
    const rp = await browser.newPage();
    rp.on('request', (r) => fetched.push(r.url()));
    await rp.goto(`${base}/bindings-node/tests/browser/blank.html`);
    const { sealCardForBrowser } = await import('cardwire');
    const fields = { pan: '4937241000003841', cvv: '123', expiry_month: '09', expiry_year: '29' };
    const start = (n) => rp.evaluate(async (n) => {
      const { CardReveal } = await import('/bindings-node/pkg/reveal.mjs');
      window.__keys = [];
      for (let i = 0; i < n; i++) window.__keys.push(await CardReveal.start({ cardId: `card-${i}` }));
      return window.__keys.map((k) => [k.publicKey, k.requestId, k.cardId]);
    }, n);
    const seal = (keys) => keys.map(([pk, requestId, cardId]) => sealCardForBrowser(fields, pk, { cardId, requestId, expiresAtMs: Date.now() + 60_000 }));
    const [once] = seal(await start(1));
    const result = await rp.evaluate(async (sealed) => {
      const first = await window.__keys[0].open(sealed);
      let second;
      try { await window.__keys[0].open(sealed); second = 'opened'; } catch (e) { second = e.code; }
      return { first, second };
    }, once);
    // Timing: fresh keys made in the page, sealed in Node, opened in the page.
    const blobs = seal(await start(61));
    const times = await rp.evaluate(async (blobs) => {
      const t = [];
      for (let i = 0; i < blobs.length; i++) {
        const s = performance.now();
        await window.__keys[i].open(blobs[i]);
        t.push(performance.now() - s);
      }
      return t.sort((a, b) => a - b);
    }, blobs);
    const median = times[Math.floor(times.length / 2)];
    console.log(`bench cardwire/reveal open in Chromium: median ${median.toFixed(3)} ms over ${times.length} (min ${times[0].toFixed(3)}, max ${times[times.length - 1].toFixed(3)})`);
    const wasm = fetched.filter((u) => u.endsWith('.wasm'));
    const checks = [
      ['cardwire/reveal in Chromium opens what the full package seals, once', JSON.stringify(result.first) === JSON.stringify(fields) && result.second === 'replay_detected'],
      ['cardwire/reveal in Chromium fetches no WebAssembly', wasm.length === 0 && times.length === 61],
    ];
    for (const [name, ok] of checks) {
      if (ok) { passed++; console.log(`ok ${name}`); } else { failed++; console.log(`FAIL ${name}: ${JSON.stringify({ result, wasm })}`); }
    }
    await rp.close();
  }

  // <cardwire-card>: revealed through its own fetchSealed (sealed here, in
  // Node, as a back end would), masked until unmasked, copied with the
  // Clipboard API, keyboard reachable, accessible (axe: no serious or
  // critical violation), and gone from the DOM at its expiry; the card data
  // never reaches an attribute, the light DOM, the URL or the console.
  {
    const { default: AxeBuilder } = await import('@axe-core/playwright');
    const { sealCardForBrowser } = await import('cardwire');
    const PAN = '4937241000003841';
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const cp = await context.newPage();
    const logs = [];
    cp.on('console', (m) => logs.push(m.text()));
    await cp.exposeFunction('__seal', (req) => sealCardForBrowser(
      { pan: PAN, cvv: '123', expiry_month: '09', expiry_year: '2029', cardholder: 'Zoë Müller' },
      req.publicKey, { cardId: req.cardId, requestId: req.requestId, expiresAtMs: req.expiresAtMs },
    ));
    // The page runs under the strict policy (served with the header), its
    // script from a file; `ready` fired before the page's listener existed.
    const response = await cp.goto(`${base}/bindings-node/tests/browser/card.csp.html`);
    const csp = response.headers()['content-security-policy'];
    await cp.waitForFunction(() => window.__ready === true);
    const card = cp.locator('cardwire-card');
    await card.getByRole('button', { name: 'Show card details' }).click();
    await cp.waitForFunction(() => window.__events.some(([t]) => t === 'revealed' || t === 'error'));
    const masked = await card.locator('[data-field=pan] .value').textContent();
    // Keyboard: Tab from the page reaches the first copy button, with its label.
    await cp.focus('#before');
    await cp.keyboard.press('Tab');
    const firstFocus = await cp.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute('aria-label'));
    await card.getByRole('button', { name: 'Unmask' }).click();
    const shown = await card.locator('[data-field=pan] .value').textContent();
    const expiry = await card.locator('[data-field=expiry] .value').textContent();
    await card.getByRole('button', { name: 'Copy card number' }).click();
    await cp.waitForFunction(() => window.__events.some(([t]) => t === 'copied'));
    const clipboard = await cp.evaluate(() => navigator.clipboard.readText());
    const axe = await new AxeBuilder({ page: cp }).include('cardwire-card').analyze();
    const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const lightDom = await cp.content();
    await cp.screenshot({ path: join(ROOT, 'target/cardwire-card.png') });
    await cp.waitForFunction(() => window.__events.some(([t]) => t === 'expired'), null, { timeout: 10_000 });
    const after = await card.evaluate((el) => el.shadowRoot.textContent);
    const events = await cp.evaluate(() => window.__events.map(([t]) => t));
    const violations = await cp.evaluate(() => window.__violations);
    const checks = [
      ['<cardwire-card>: revealed masked, then unmasked', masked === '•••• •••• •••• 3841' && shown === '4937 2410 0000 3841' && expiry === '09/29'],
      ['<cardwire-card>: Tab reaches its first copy button, labelled', firstFocus === 'Copy card number'],
      ['<cardwire-card>: copy puts the number on the clipboard and says so', clipboard === PAN],
      [`<cardwire-card>: axe finds no serious or critical violation (${axe.passes.length} rules pass)`, serious.length === 0 && axe.passes.length > 0],
      ['<cardwire-card>: no card data in an attribute, the light DOM, the URL or the console', !lightDom.includes(PAN) && !lightDom.includes('3841') && !cp.url().includes(PAN) && !logs.some((l) => l.includes(PAN))],
      ['<cardwire-card>: at its expiry the data leaves the DOM, and the events came in order', !after.includes('3841') && !after.includes('123') && JSON.stringify(events) === JSON.stringify(['revealed', 'copied', 'expired'])],
      [`<cardwire-card>: runs under "${CSP}" with no violation`, csp === CSP && violations.length === 0],
    ];
    for (const [name, ok] of checks) {
      if (ok) { passed++; console.log(`ok ${name}`); } else { failed++; console.log(`FAIL ${name}: ${JSON.stringify({ masked, shown, expiry, firstFocus, clipboard, serious: serious.map((v) => v.id), events, logs, violations })}`); }
    }
    console.log('screenshot: target/cardwire-card.png');
    await context.close();
  }

  // Isolated mode: the card frame on a second origin (localhost vs
  // 127.0.0.1), reached only by postMessage. The host page relays the sealed
  // answer but cannot read the card; a page of a third origin that embeds the
  // frame gets nothing from it and cannot feed it.
  {
    const { sealCardForBrowser } = await import('cardwire');
    const PAN = '4937241000003841';
    const seal = (req) => sealCardForBrowser({ pan: PAN, cvv: '123', expiry_month: '09', expiry_year: '29' }, req.publicKey, { cardId: req.cardId, requestId: req.requestId, expiresAtMs: req.expiresAtMs });
    const frameOrigin = base.replace('127.0.0.1', 'localhost');
    const frameUrl = `${frameOrigin}/bindings-node/pkg/frame.html`;
    const ctx = await browser.newContext();
    const { hp, hostLogs, shown: shownInFrame, hostReads } = await revealIsolated(ctx, base, frameUrl, seal);
    await hp.screenshot({ path: join(ROOT, 'target/cardwire-card-isolated.png') });
    // A third origin embeds the frame, claiming the real host as parent.
    const evil = await serve();
    const ep = await ctx.newPage();
    await ep.goto(`${evil.base}/bindings-node/tests/browser/blank.html`);
    await ep.evaluate(async (src) => {
      window.__got = [];
      addEventListener('message', (e) => window.__got.push(e.data));
      const f = document.createElement('iframe');
      f.src = src;
      document.body.append(f);
      await new Promise((r) => { f.onload = r; });
      f.contentWindow.postMessage({ cardwire: 1, type: 'sealed', requestId: 'forged', sealed: 'AQ' }, '*');
    }, `${frameUrl}?parent=${encodeURIComponent(base)}&card=card-7`);
    const efl = ep.frameLocator('iframe');
    await efl.getByRole('button', { name: 'Show card details' }).click();
    await new Promise((r) => setTimeout(r, 500));
    const evilGot = await ep.evaluate(() => window.__got);
    const evilShown = await efl.locator('cardwire-card [data-field=pan] .value').textContent();
    evil.close();
    const checks = [
      ['isolated mode: the frame (another origin) reveals the card', shownInFrame === '4937 2410 0000 3841' && hostReads.events.some(([t]) => t === 'revealed')],
      ['isolated mode: a script of the host page cannot read the card', hostReads.contentDocument === null && hostReads.read.startsWith('refused') && !hostReads.html.includes(PAN) && !hostReads.html.includes('3841') && !JSON.stringify(hostReads.events).includes('3841')],
      ['isolated mode: a page of a wrong origin gets no request and its messages are ignored', evilGot.length === 0 && evilShown === ''],
      [`isolated mode: the frame runs under "${CSP}" with no violation`, !hostLogs.some((l) => /Content Security Policy/i.test(l))],
    ];
    for (const [name, ok] of checks) {
      if (ok) { passed++; console.log(`ok ${name}`); } else { failed++; console.log(`FAIL ${name}: ${JSON.stringify({ shownInFrame, hostReads: { ...hostReads, html: hostReads.html.length }, evilGot, evilShown, hostLogs })}`); }
    }
    console.log('screenshot: target/cardwire-card-isolated.png');
    await ctx.close();
  }

  // The frame-origin recipes (examples/reveal/frame-origin: Express, FastAPI,
  // axum), each serving the frame on a second origin for this host: the card
  // shows in the frame, the host page cannot read it, the frame's headers
  // are the isolated mode's, a page of a third origin cannot embed it, and
  // axe finds nothing serious on the host page.
  {
    const { sealCardForBrowser } = await import('cardwire');
    const { default: AxeBuilder } = await import('@axe-core/playwright');
    const PAN = '4937241000003841';
    const seal = (req) => sealCardForBrowser({ pan: PAN, cvv: '123', expiry_month: '09', expiry_year: '29' }, req.publicKey, { cardId: req.cardId, requestId: req.requestId, expiresAtMs: req.expiresAtMs });
    const RECIPES = [
      { name: 'express', cmd: process.execPath, args: [join(ROOT, 'examples/reveal/frame-origin/express.mjs'), '0', base] },
      { name: 'fastapi', cmd: join(ROOT, '.venv-py/bin/python'), args: [join(ROOT, 'examples/reveal/frame-origin/fastapi_app.py'), '0', base] },
      { name: 'axum', cmd: join(ROOT, 'target/release/frame-origin'), args: ['0', base] },
    ];
    for (const recipe of RECIPES) {
      const server = await startBackend(recipe);
      try {
        const frameUrl = `${server.base.replace('127.0.0.1', 'localhost')}/cardwire/frame.html`;
        const head = await fetch(frameUrl);
        const headers = Object.fromEntries(head.headers);
        const notServed = (await fetch(frameUrl.replace('frame.html', 'index.web.js'))).status;
        const ctx = await browser.newContext();
        const { hp, shown, hostReads } = await revealIsolated(ctx, base, frameUrl, seal);
        const axe = await new AxeBuilder({ page: hp }).analyze();
        const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        // A third origin tries to embed the frame: frame-ancestors refuses it.
        const evil = await serve();
        const ep = await ctx.newPage();
        const evilLogs = [];
        ep.on('console', (m) => evilLogs.push(m.text()));
        await ep.goto(`${evil.base}/bindings-node/tests/browser/blank.html`);
        await ep.evaluate(async (src) => {
          const f = document.createElement('iframe');
          f.src = src;
          document.body.append(f);
          await new Promise((r) => { f.onload = r; });
        }, `${frameUrl}?parent=${encodeURIComponent(evil.base)}&card=card-7`);
        await new Promise((r) => setTimeout(r, 300));
        evil.close();
        await ctx.close();
        const checks = [
          [`frame origin (${recipe.name}): the frame reveals the card`, shown === '4937 2410 0000 3841'],
          [`frame origin (${recipe.name}): a script of the host page cannot read it`, hostReads.read.startsWith('refused') && !hostReads.html.includes('3841') && !JSON.stringify(hostReads.events).includes('3841')],
          [`frame origin (${recipe.name}): CSP default-src 'self' with frame-ancestors the host, nosniff; only the frame's files`, headers['content-security-policy'] === `default-src 'self'; frame-ancestors ${base}` && headers['x-content-type-options'] === 'nosniff' && notServed === 404],
          [`frame origin (${recipe.name}): a page of a third origin cannot embed the frame`, evilLogs.some((l) => /frame-ancestors/.test(l))],
          [`frame origin (${recipe.name}): axe finds no serious or critical violation on the host page`, serious.length === 0],
        ];
        for (const [name, ok] of checks) {
          if (ok) { passed++; console.log(`ok ${name}`); } else { failed++; console.log(`FAIL ${name}: ${JSON.stringify({ shown, headers, notServed, hostReads: { read: hostReads.read, events: hostReads.events }, evilLogs, serious: serious.map((v) => v.id) })}`); }
        }
      } finally {
        server.stop();
      }
    }
  }

  // The example page, served by each example back end (Rust, Node, Python):
  // revealed values on the page, nothing secret in its network traffic or
  // its JavaScript heap, a screenshot, and a blob from one page load that
  // a second load cannot open.
  for (const backend of BACKENDS) {
    const b = await startBackend(backend);
    try {
      const ex = await browser.newPage({ viewport: { width: 820, height: 420 } });
      const traffic = [];
      ex.on('response', async (r) => {
        try { traffic.push(`${r.url()}\n${(await r.body()).toString('latin1')}`); } catch { /* redirects and the like */ }
      });
      ex.on('request', (r) => traffic.push(`${r.url()}\n${r.postData() ?? ''}`));
      await ex.goto(`${b.base}/examples/browser/index.html`);
      await ex.waitForSelector('#status[data-state]', { timeout: 60_000 });
      const state = await ex.getAttribute('#status', 'data-state');
      const masked = await ex.textContent('#worldcard [data-field=pan]');
      const sealed = [];
      ex.on('response', async (r) => { if (r.url().endsWith('/api/reveal')) try { sealed.push(JSON.parse((await r.body()).toString()).sealed); } catch { /* */ } });
      await ex.click('#worldcard button');
      await ex.waitForFunction(() => document.querySelector('#worldcard [data-field=cvv]').textContent !== '•••', null, { timeout: 30_000 });
      await ex.click('#pintopay button');
      await ex.waitForFunction(() => document.querySelector('#pintopay [data-field=cvv]').textContent !== '•••', null, { timeout: 30_000 });
      const wc = await ex.textContent('#worldcard [data-field=pan]');
      const wcCvv = await ex.textContent('#worldcard [data-field=cvv]');
      const wcExp = await ex.textContent('#worldcard [data-field=expiry]');
      const ptp = await ex.textContent('#pintopay [data-field=pan]');
      // The JavaScript heap, as text.
      const cdp = await ex.context().newCDPSession(ex);
      const chunks = [];
      cdp.on('HeapProfiler.addHeapSnapshotChunk', (e) => chunks.push(e.chunk));
      await cdp.send('HeapProfiler.enable');
      await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      const heap = chunks.join('');
      const leaked = (text) => SECRETS.filter(([, s]) => text.includes(s)).map(([name]) => name);
      const checks = [
        [`${backend.name}: example page ready`, state === 'ready'],
        [`${backend.name}: PAN masked before reveal`, masked === '•••• •••• •••• ••••'],
        [`${backend.name}: WorldCard card revealed`, wc === '4937 2410 0000 3841' && wcCvv === '123' && wcExp === '09/29'],
        [`${backend.name}: PinToPay card revealed`, ptp === '5392 0000 1111 2222'],
        [`${backend.name}: no key or secret in the page's network traffic (${traffic.length} requests and responses)`, leaked(traffic.join('\n')).length === 0 && traffic.length > 4],
        [`${backend.name}: no key or secret in the page's JavaScript heap (${(heap.length / 1e6).toFixed(1)} MB snapshot)`, leaked(heap).length === 0 && heap.length > 100_000],
      ];
      if (backend.name === 'rust') {
        await mkdir(join(ROOT, 'target'), { recursive: true });
        await ex.screenshot({ path: join(ROOT, 'target/browser-example.png') });
        console.log('screenshot: target/browser-example.png');
      }
      // A second page load cannot open the first load's blob, for the same card.
      const again = await browser.newPage();
      await again.goto(`${b.base}/examples/browser/index.html`);
      const second = await again.evaluate(async (blob) => {
        const { CardReveal } = await import('/bindings-node/pkg/index.web.js');
        const r = CardReveal.start({ cardId: '1234567890123456' });
        try { r.open(blob); return 'opened'; } catch (e) { return e.code; }
      }, sealed[0]);
      checks.push([`${backend.name}: a second page load cannot open the first one's blob`, sealed.length === 2 && second === 'decrypt_failed']);
      for (const [name, ok] of checks) {
        if (ok) { passed++; console.log(`ok ${name}`); } else { failed++; console.log(`FAIL ${name}: ${JSON.stringify({ state, masked, wc, wcCvv, wcExp, ptp, second, leakedTraffic: leaked(traffic.join('\n')), leakedHeap: leaked(heap) })}`); }
      }
      await ex.close();
      await again.close();
    } finally {
      b.stop();
    }
  }
} finally {
  await close();
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
