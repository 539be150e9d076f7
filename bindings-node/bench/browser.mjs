// The same bench cases in headless Chromium: node bench/browser.mjs
import { start } from '../tests/browser/harness.mjs';

const { base, browser, close } = await start();
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.log('page error:', String(e)));
  await page.goto(`${base}/bindings-node/bench/bench.html`);
  await page.waitForFunction(() => window.__bench, null, { timeout: 300_000 });
  const results = await page.evaluate(() => window.__bench);
  console.log(`Chromium ${browser.version()}`);
  for (const r of results) console.log(`${r.op.padEnd(34)} ${r.impl.padEnd(26)} ${r.us.toFixed(1).padStart(10)} µs`);
  console.log(JSON.stringify({ runtime: `chromium ${browser.version()}`, results }));
} finally {
  await close();
}
