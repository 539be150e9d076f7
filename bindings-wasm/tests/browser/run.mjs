// Runs the browser suite and the example page in real headless Chromium
// (Debian's /usr/bin/chromium, driven by playwright-core), serving the
// repository from 127.0.0.1. Prints "browser: N passed, M failed".
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, start } from './harness.mjs';

const { base, browser, close } = await start();
let passed = 0, failed = 0;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/bindings-wasm/tests/browser/index.html`);
  await page.waitForFunction(() => window.__results, null, { timeout: 120_000 });
  for (const r of await page.evaluate(() => window.__results)) {
    if (r.ok) passed++; else { failed++; console.log(`FAIL ${r.name}\n${r.error}`); }
    if (r.ok) console.log(`ok ${r.name}`);
  }
  if (errors.length) { failed++; console.log('page errors:', errors); }

  // The example page: decrypted values on the rendered page, then a screenshot.
  const ex = await browser.newPage({ viewport: { width: 820, height: 420 } });
  await ex.goto(`${base}/examples/browser/index.html`);
  await ex.waitForSelector('#status[data-state]', { timeout: 60_000 });
  const state = await ex.getAttribute('#status', 'data-state');
  const masked = await ex.textContent('#worldcard [data-field=pan]');
  await ex.click('#worldcard button');
  await ex.click('#pintopay button');
  const wc = await ex.textContent('#worldcard [data-field=pan]');
  const wcCvv = await ex.textContent('#worldcard [data-field=cvv]');
  const wcExp = await ex.textContent('#worldcard [data-field=expiry]');
  const ptp = await ex.textContent('#pintopay [data-field=pan]');
  const checks = [
    ['example page ready', state === 'ready'],
    ['WorldCard PAN masked before reveal', masked === '•••• •••• •••• 3841'],
    ['WorldCard PAN revealed', wc === '4937 2410 0000 3841'],
    ['WorldCard CVV and expiry', wcCvv === '123' && wcExp === '09/29'],
    ['PinToPay PAN revealed', ptp === '5392 0000 1111 2222'],
  ];
  for (const [name, ok] of checks) { if (ok) { passed++; console.log(`ok ${name}`); } else { failed++; console.log(`FAIL ${name}: ${JSON.stringify({ state, masked, wc, wcCvv, wcExp, ptp })}`); } }
  await mkdir(join(ROOT, 'target'), { recursive: true });
  await ex.screenshot({ path: join(ROOT, 'target/browser-example.png') });
  console.log('screenshot: target/browser-example.png');
} finally {
  await close();
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
