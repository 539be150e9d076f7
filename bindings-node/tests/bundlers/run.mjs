// Bundles a small app that imports 'cardwire' with esbuild (browser and
// Node), Vite 8 and webpack 5, using only the configuration the README
// documents, then runs each: browser bundles in headless Chromium, Node
// bundles with Node (native addon, then forced WebAssembly). Prints
// "bundlers: N passed, M failed".
import { cp, mkdir, rm, writeFile, readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { build as viteBuild } from 'vite';
import webpack from 'webpack';
import * as cw from 'cardwire';
import { ROOT, start } from '../browser/harness.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const HARNESS = join(ROOT, 'bindings-node');
const OUT = join(ROOT, 'target/bundlers');
const PKG = join(HARNESS, 'pkg');
const key = (n) => readFile(join(ROOT, 'tests/vectors/keys', n), 'utf8');
let passed = 0, failed = 0;
const check = (name, ok, detail) => { if (ok) { passed++; console.log(`ok ${name}`); } else { failed++; console.log(`FAIL ${name}: ${detail}`); } };

// The app sources, with a fixture signed now (cardwire's platform sides stand in for the providers).
await rm(OUT, { recursive: true, force: true });
const APP = join(OUT, 'app');
await mkdir(APP, { recursive: true });
await cp(join(HERE, 'app'), APP, { recursive: true });
const aesKey = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const payca = new cw.PayCaPlatform({ clientId: 'cid', clientSecret: 'payca-secret' }).signWebhook('card_transaction', { cardId: 'c-1', amount: '12.50' });
const wcp = new cw.WorldCardPlatform({ appId: 'app', merchantPublicKeyPem: await key('merchant_2048.spki.pem'), aesKey, platformPrivateKeyPem: await key('platform_2048.pkcs8.pem') });
const wch = wcp.signWebhook('card_open', { card_id: 'c-1', status: 2, card_number: '4937241000003841' }, { timestampMs: 1764000000000 });
await writeFile(join(APP, 'fixture.json'), JSON.stringify({
  paycaSecret: 'payca-secret',
  payca: { headers: payca.headers, bodyText: payca.bodyText },
  worldcard: {
    options: { appId: 'app', privateKeyPem: await key('merchant_2048.pkcs8.pem'), aesKey, platformPublicKeyPem: await key('platform_2048.spki.pem') },
    headers: wch.headers, bodyText: wch.bodyText, nowMs: 1764000000000,
  },
}));
// The app resolves 'cardwire' as an installed package: node_modules beside it.
await mkdir(join(APP, 'node_modules'), { recursive: true });
for (const dep of ['cardwire', 'esbuild', 'vite', 'webpack']) {
  execFileSync('ln', ['-sfn', join(HARNESS, 'node_modules', dep), join(APP, 'node_modules', dep)]);
}
execFileSync('ln', ['-sfn', PKG, join(APP, 'node_modules', 'cardwire')]);

const expected = JSON.stringify({ backend: 'wasm', payca: ['card_transaction', '12.50', false, true], forgery: 'signature_invalid', worldcard: ['card_open', '4937241000003841'] });

// esbuild, browser: bundle, then copy the .wasm beside the bundle (the documented step).
const esb = join(OUT, 'esbuild-browser');
const esbWarnings = await esbuild.build({ entryPoints: [join(APP, 'main.js')], bundle: true, format: 'esm', platform: 'browser', outdir: esb, logLevel: 'silent', absWorkingDir: APP })
  .then((r) => r.warnings.length).catch((e) => `build failed: ${e.message}`);
check('esbuild browser: builds without warnings', esbWarnings === 0, esbWarnings);
await writeFile(join(esb, 'index.html'), (await readFile(join(APP, 'index.html'), 'utf8')).replace('./main.js', './main.js'));
// Without the copy first: the import must fail with the advice, not a bare 404.
const esbMissing = join(OUT, 'esbuild-browser-no-wasm');
await cp(esb, esbMissing, { recursive: true });
await cp(join(PKG, 'cardwire_wasm_bg.wasm'), join(esb, 'cardwire_wasm_bg.wasm'));

// Vite 8: a production build of the app's index.html, no configuration
// (`base: './'` only because the harness serves it from a subdirectory).
const viteOut = join(OUT, 'vite');
let viteWarnings = [];
try {
  await viteBuild({ root: APP, base: './', logLevel: 'silent', build: { outDir: viteOut, emptyOutDir: true }, customLogger: { info() {}, warn: (m) => viteWarnings.push(m), warnOnce: (m) => viteWarnings.push(m), error: (m) => viteWarnings.push(m), clearScreen() {}, hasErrorLogged: () => false, hasWarned: false } });
  check('vite: builds without warnings', viteWarnings.length === 0, JSON.stringify(viteWarnings).slice(0, 400));
} catch (e) {
  check('vite: builds without warnings', false, e.message);
}
check('vite: emits the .wasm', (await readFile(viteOut + '/index.html', 'utf8').catch(() => '')).length > 0 && execFileSync('find', [viteOut, '-name', '*.wasm']).toString().trim().length > 0, 'no .wasm in dist');

// webpack 5: production, target web, no loaders or experiments configured.
const wpOut = join(OUT, 'webpack');
const wpStats = await new Promise((resolve) => webpack({
  mode: 'production', context: APP, entry: './main.js', target: 'web',
  output: { path: wpOut, filename: 'main.js', publicPath: 'auto' },
  performance: { hints: false },
}, (err, stats) => resolve(err ? { errors: [err.message], warnings: [] } : stats.toJson({ all: false, errors: true, warnings: true }))));
check('webpack 5: builds without errors or warnings', !wpStats.errors.length && !wpStats.warnings.length, JSON.stringify([...wpStats.errors, ...wpStats.warnings].map((e) => e.message ?? e)).slice(0, 500));
await writeFile(join(wpOut, 'index.html'), '<!doctype html><meta charset="utf-8"><script src="./main.js"></script>');

// The README's React and Vue examples (examples/browser/{react,vue}): each
// builds with esbuild, and in Chromium renders <cardwire-card>, whose reveal
// goes through the example's fetchSealed to /api/reveal (answered here with
// answerReveal, as a back end would).
const frameworks = [];
for (const [name, entry] of [['React', 'examples/browser/react/main.jsx'], ['Vue', 'examples/browser/vue/main.js']]) {
  const dir = join(OUT, name.toLowerCase());
  const warnings = await esbuild.build({
    entryPoints: [join(ROOT, entry)], bundle: true, format: 'esm', platform: 'browser', outdir: dir, logLevel: 'silent',
    jsx: 'automatic', nodePaths: [join(HARNESS, 'node_modules')], define: { 'process.env.NODE_ENV': '"production"' },
  }).then((r) => r.warnings.length).catch((e) => `build failed: ${e.message}`);
  check(`${name} example: builds with esbuild`, warnings === 0, warnings);
  await writeFile(join(dir, 'index.html'), '<!doctype html><html lang="en"><meta charset="utf-8"><title>card</title><div id="root"></div><script type="module" src="./main.js"></script></html>');
  frameworks.push([name, dir]);
}

// The browser bundles in Chromium.
const { base, browser, close } = await start();
try {
  for (const [name, dir] of frameworks) {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route('**/api/reveal', async (route) => {
      const request = JSON.parse(route.request().postData());
      const { sealed } = cw.answerReveal(request, { card_number: '4937241000003841', cvv: '123', expiry_month: '09', expiry_year: '2029' }, { provider: 'worldcard' });
      await route.fulfill({ status: 200, contentType: 'text/plain', body: sealed });
    });
    await page.goto(`${base}/${dir.slice(ROOT.length + 1)}/index.html`);
    const card = page.locator('cardwire-card');
    await card.getByRole('button', { name: 'Show card details' }).click();
    await card.getByRole('button', { name: 'Unmask' }).click({ timeout: 10_000 }).catch(() => {});
    const pan = await card.locator('[data-field=pan] .value').textContent().catch((e) => String(e));
    check(`${name} example: renders <cardwire-card> and reveals through its fetchSealed`, pan === '4937 2410 0000 3841' && !errors.length, JSON.stringify({ pan, errors }).slice(0, 400));
    await page.close();
  }
  for (const [name, dir] of [['esbuild browser', esb], ['vite', viteOut], ['webpack 5', wpOut]]) {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/${dir.slice(ROOT.length + 1)}/index.html`);
    const result = await page.waitForFunction(() => window.__result, null, { timeout: 60_000 }).then((h) => h.jsonValue()).catch((e) => ({ error: String(e) }));
    check(`${name}: runs in Chromium`, JSON.stringify(result) === expected && !errors.length, JSON.stringify({ result, errors }).slice(0, 600));
    await page.close();
  }
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/${esbMissing.slice(ROOT.length + 1)}/index.html`);
  await page.waitForTimeout(1500);
  check('esbuild browser without the .wasm: the error says to copy it', errors.some((e) => e.includes('cardwire could not load its WebAssembly module') && e.includes('with esbuild, copy the file')), JSON.stringify(errors).slice(0, 400));
} finally {
  await close();
}

// esbuild, Node (the serverless bundle): --loader:.node=copy, CommonJS and
// ESM; ESM output gets the banner the README gives (require and __dirname).
const ESM_BANNER = "import { createRequire } from 'module'; import { fileURLToPath } from 'url'; const require = createRequire(import.meta.url); const __dirname = fileURLToPath(new URL('.', import.meta.url));";
for (const format of ['cjs', 'esm']) {
  const dir = join(OUT, `esbuild-node-${format}`);
  const r = await esbuild.build({
    entryPoints: [join(APP, 'node-app.mjs')], bundle: true, platform: 'node', format, outdir: dir, logLevel: 'silent', absWorkingDir: APP,
    loader: { '.node': 'copy' },
    outExtension: { '.js': format === 'cjs' ? '.cjs' : '.mjs' },
    banner: format === 'esm' ? { js: ESM_BANNER } : undefined,
  }).catch((e) => ({ warnings: [e.message] }));
  check(`esbuild node ${format}: builds without warnings`, r.warnings.length === 0, JSON.stringify(r.warnings).slice(0, 400));
  // Node's WebAssembly fallback is the module built for speed.
  await cp(join(PKG, 'cardwire_wasm_speed_bg.wasm'), join(dir, 'cardwire_wasm_speed_bg.wasm'));
  // Run it away from the repository: only the bundle directory is there.
  const file = join(dir, `node-app.${format === 'cjs' ? 'cjs' : 'mjs'}`);
  for (const [label, env, want] of [['native', {}, 'native'], ['forced wasm', { CARDWIRE_FORCE_WASM: '1' }, 'wasm']]) {
    let out;
    try {
      out = execFileSync(process.execPath, [file], { cwd: '/', env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    } catch (e) {
      out = String(e.stderr || e.message);
    }
    check(`esbuild node ${format} bundle runs (${label})`, out.trim() === `node bundle: backend ${want}, card_transaction 12.50, redelivery duplicate true`, out.slice(0, 400));
  }
}
console.log(`bundlers: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
