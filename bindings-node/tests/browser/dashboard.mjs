// The sandbox's dashboard (`cardwire sandbox`, then `/`) in real headless
// Chromium: it loads from the binary alone under its strict policy, updates
// as requests and webhooks arrive, explains a refusal, resends a webhook
// (the receiver gets the same bytes again), adds a fault from its form and
// shows the world's state; axe (@axe-core/playwright) finds no serious or
// critical violation. Screenshots go to target/dashboard-*.png. Prints
// "dashboard: N passed, M failed" and the load time.
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { ROOT } from './harness.mjs';

const BIN = process.env.CARDWIRE_BIN ?? join(ROOT, 'target/release/cardwire');
const checks = [];
const check = (name, ok, detail = '') => {
  checks.push([name, ok]);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : `: ${detail}`}`);
};

// A receiver that acknowledges PayCA's webhooks (204) and keeps their bytes.
const received = [];
const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    received.push(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(204).end();
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));

const dir = mkdtempSync(join(tmpdir(), 'cw-dash-'));
writeFileSync(join(dir, 'world.json'), JSON.stringify({ payca: { holders: [{ id: 'ch_dash', status: 'pass_audit' }], cards: [{ id: 'card_dash', holder: 'ch_dash', balance: '100.00', pan: '4111111111111111' }] } }));
const sandbox = spawn(BIN, ['sandbox', '--listen', '127.0.0.1:0', '--credentials-out', join(dir, 'creds.json'), '--log-format', 'off',
  '--fixtures', join(dir, 'world.json'), '--webhook-url', `payca=http://127.0.0.1:${receiver.address().port}/hooks`], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((resolve, reject) => {
  let out = '';
  sandbox.on('exit', (c) => reject(new Error(`sandbox exited ${c}`)));
  sandbox.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/listening on (http:\/\/[\d.:]+)/);
    if (m) resolve(m[1]);
  });
});
const creds = JSON.parse(readFileSync(join(dir, 'creds.json'), 'utf8'));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
});
const problems = [];
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(base)) external.push(r.url()); });

  // Load time: navigation to the first data drawn (body[data-loaded]).
  const start = Date.now();
  await page.goto(`${base}/`);
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 });
  const loadedMs = Date.now() - start;
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return { domContentLoaded: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd), bytes: performance.getEntriesByType('resource').reduce((s, r) => s + r.transferSize, n.transferSize) };
  });
  check(`loads and draws its first data in ${loadedMs} ms (DOMContentLoaded ${nav.domContentLoaded} ms, ${nav.bytes} bytes)`, loadedMs < 15_000);
  check('the state shows the fixture\'s card by its last four digits', await page.locator('#state-body').getByText('card_dash').count() === 1
    && (await page.locator('#state-body').textContent()).includes('1111') && !(await page.content()).includes('4111111111111111'));
  await page.screenshot({ path: join(ROOT, 'target/dashboard-start.png'), fullPage: true });

  // A refused request appears by itself, with why; Explain shows every check.
  const refused = await fetch(`${creds.payca.base_url}/v1/cards`, { method: 'POST', headers: { 'x-client-id': creds.payca.client_id, 'x-client-secret': 'wrong-secret' }, body: '{}' });
  check('the sandbox refused the request (401)', refused.status === 401);
  const row = page.locator('#requests-body tr.refused').first();
  await row.waitFor({ timeout: 10_000 });
  const rowText = await row.textContent();
  check('the refusal appears without a reload, with its failing check', rowText.includes('401') && rowText.includes('x-client-secret'), rowText);
  await row.getByRole('button', { name: /Explain request/ }).click();
  await page.locator('#explanation').waitFor({ state: 'visible' });
  const explanation = await page.locator('#explanation-text').textContent();
  check('Explain shows every check of the refusal', explanation.includes('x-client-id') && explanation.includes('x-client-secret'), explanation);
  check('no secret on the page', !(await page.content()).includes(creds.payca.client_secret));

  // A webhook appears acknowledged; Resend sends the same bytes again.
  const trig = await fetch(`${base}/_admin/trigger`, { method: 'POST', body: JSON.stringify({ provider: 'payca', event: 'card_transaction', card_id: 'card_dash', fields: { amount: '7.25' } }) });
  check('a webhook was triggered', trig.ok);
  const hook = page.locator('#webhooks-body tr').first();
  await page.waitForFunction(() => document.querySelector('#webhooks-body tr')?.textContent.includes('acknowledged'), null, { timeout: 10_000 });
  check('the webhook appears acknowledged', (await hook.textContent()).includes('card_transaction'));
  await hook.getByRole('button', { name: /Resend webhook/ }).click();
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('resent'), null, { timeout: 10_000 });
  check('Resend delivers the same bytes once more, acknowledged', received.length === 2 && received[0] === received[1]
    && (await page.locator('#status').textContent()).includes('acknowledged'), `${received.length} received`);
  await hook.getByRole('button', { name: /Show the attempts/ }).click();
  await page.waitForFunction(() => document.querySelectorAll('#attempts-list li').length === 2, null, { timeout: 10_000 });
  check('the attempts list shows both, the resend marked', (await page.locator('#attempts-list').textContent()).includes('resend'));

  // A fault added from the form: the next card call is a 503, then it runs out.
  await page.selectOption('#fault-provider', 'payca');
  await page.fill('#fault-route', '/v1/cards');
  await page.selectOption('#fault-kind', '503');
  await page.fill('#fault-times', '1');
  await page.getByRole('button', { name: 'Add fault' }).click();
  await page.waitForFunction(() => document.getElementById('faults-list').textContent.includes('payca/v1/cards=503,times=1'), null, { timeout: 10_000 });
  check('the form adds a fault and lists it', true);
  const faulted = await fetch(`${creds.payca.base_url}/v1/cards`, { method: 'POST', body: '{}' });
  check('the fault answers the next card call with 503', faulted.status === 503);
  await page.waitForFunction(() => document.getElementById('faults-list').textContent.includes('No faults'), null, { timeout: 10_000 });
  check('a fault that ran out leaves the list', true);
  const injected = await page.locator('#requests-body tr').first().textContent();
  check('the injected answer is logged as injected', injected.includes('503') && injected.includes('injected fault'), injected);

  await page.screenshot({ path: join(ROOT, 'target/dashboard-live.png'), fullPage: true });
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(`axe finds no serious or critical violation (${axe.passes.length} rules pass)`, serious.length === 0 && axe.passes.length > 0,
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`).join('; '));
  // Keyboard: Tab reaches the navigation first.
  await page.goto(`${base}/`);
  await page.keyboard.press('Tab');
  check('Tab reaches the first link', (await page.evaluate(() => document.activeElement?.textContent)) === 'Requests');
  check('everything comes from the sandbox itself (no CDN)', external.length === 0, external.join(', '));
  check('no error in the console (the policy allows what the page uses)', problems.length === 0, problems.join('; '));
  console.log(`dashboard load: ${loadedMs} ms to first data, DOMContentLoaded ${nav.domContentLoaded} ms, load ${nav.load} ms, ${nav.bytes} bytes transferred`);
  console.log('screenshots: target/dashboard-start.png, target/dashboard-live.png');
} catch (e) {
  check('the dashboard run finished', false, e.stack);
} finally {
  await browser.close();
  sandbox.kill();
  receiver.close();
}
const failed = checks.filter(([, ok]) => !ok).length;
console.log(`dashboard: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
