// The edge issue's RSA operations side by side, in one run, in Node,
// Chromium, workerd, Bun and Deno: cardwire's pure path (sync API on
// WebAssembly), its async API (WebCrypto underneath) and hand-written
// WebCrypto. Goals: async ≤ 1.5× hand-written, and ≥ 3× faster than pure.
// workerd's clock stands still during a request, so there the host times n
// iterations per request over loopback, less an n = 0 request. Everywhere each
// implementation is warmed up first (WebAssembly reaches its optimizing tier)
// and the three run in turn, round after round; the median round counts.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { Miniflare } from 'miniflare';
import { start } from '../tests/browser/harness.mjs';
import { ROOT } from '../tests/node/helpers.mjs';

const BIN = join(ROOT, 'bindings-node/node_modules/.bin');
const OUT = join(ROOT, 'target/edge-bench');
mkdirSync(OUT, { recursive: true });
const runs = [];

for (const [cmd, args] of [[process.execPath, []], [join(BIN, 'bun'), []], [join(BIN, 'deno'), ['run', '-A', '--node-modules-dir=manual']]]) {
  const r = spawnSync(cmd, [...args, join(ROOT, 'bindings-node/bench/edge-run.mjs')], { cwd: join(ROOT, 'bindings-node'), encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  runs.push(JSON.parse(r.stdout.trim().split('\n').pop()));
}

// Chromium.
{
  const { base, browser, close } = await start();
  try {
    // The browser entry (the module built for size), then the speed build for comparison.
    for (const build of ['size', 'speed']) {
      const page = await browser.newPage();
      await page.goto(`${base}/bindings-node/bench/edge.html?build=${build}`);
      await page.waitForFunction(() => window.__edge, null, { timeout: 600_000 });
      const r = await page.evaluate(() => window.__edge);
      if (r.error) throw new Error(`chromium: ${r.error}`);
      runs.push({ runtime: `chromium ${browser.version()} (${build} build)`, ...r });
      await page.close();
    }
  } finally {
    await close();
  }
}

// workerd, bundled as wrangler bundles.
{
  const k = (n) => readFileSync(join(ROOT, 'tests/vectors/keys', n), 'utf8');
  writeFileSync(join(ROOT, 'bindings-node/bench/edge-keys.mjs'), `export default ${JSON.stringify({
    merchant2048: k('merchant_2048.pkcs8.pem'), merchant2048pub: k('merchant_2048.spki.pem'), platform2048: k('platform_2048.pkcs8.pem'), platform2048pub: k('platform_2048.spki.pem'),
    merchant1024: k('merchant_1024.pkcs8.pem'), merchant1024pub: k('merchant_1024.spki.pem'), platform1024: k('platform_1024.pkcs8.pem'), platform1024pub: k('platform_1024.spki.pem'),
  })};\n`);
  await esbuild.build({
    entryPoints: [join(ROOT, 'bindings-node/bench/edge-worker.mjs')], bundle: true, format: 'esm', platform: 'neutral', outfile: join(OUT, 'worker.mjs'),
    conditions: ['workerd', 'worker', 'browser'], mainFields: ['module', 'main'], external: ['*.wasm'], logLevel: 'error',
  });
  copyFileSync(join(ROOT, 'bindings-node/pkg/cardwire_wasm_speed_bg.wasm'), join(OUT, 'cardwire_wasm_speed_bg.wasm'));
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path: join(OUT, 'worker.mjs') }, { type: 'CompiledWasm', path: join(OUT, 'cardwire_wasm_speed_bg.wasm') }],
    modulesRoot: OUT, compatibilityDate: '2025-01-01',
  });
  try {
    const url = await mf.ready;
    const get = async (q) => { const t = performance.now(); const r = await fetch(new URL(`/run?${q}`, url)); const j = await r.json(); return [performance.now() - t, j]; };
    const [, info] = await get('n=0');
    const results = [];
    const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
    for (const [op, impls] of Object.entries(info.ops)) {
      // Side by side, as in the other runtimes: each warmed up, then rounds
      // in which each runs in turn; the median round per implementation.
      const n = (impl) => (impl.includes('pure') ? (op.includes('build') ? 10 : 100) : 400);
      const run = (impl, k) => get(`op=${encodeURIComponent(op)}&impl=${encodeURIComponent(impl)}&n=${k}`);
      for (const impl of impls) await run(impl, n(impl));
      const per = Object.fromEntries(impls.map((i) => [i, []]));
      for (let r = 0; r < 5; r++) {
        for (const impl of impls) {
          const [base] = await get('n=0');
          const [t] = await run(impl, n(impl));
          per[impl].push(((t - base) * 1000) / n(impl));
        }
      }
      for (const impl of impls) results.push({ op, impl, us: median(per[impl]) });
    }
    runs.push({ runtime: 'workerd (miniflare)', backend: info.backend, results });
  } finally {
    await mf.dispose();
  }
}

for (const run of runs) {
  console.log(`\n${run.runtime} (${run.backend})`);
  const ops = [...new Set(run.results.map((r) => r.op))];
  for (const op of ops) {
    const get = (impl) => run.results.find((r) => r.op === op && r.impl === impl).us;
    const [pure, async_, hand] = [get('cardwire sync (pure)'), get('cardwire async (WebCrypto)'), get('hand-written WebCrypto')];
    console.log(`  ${op.padEnd(44)} pure ${pure.toFixed(0).padStart(6)} µs   async ${async_.toFixed(0).padStart(5)} µs   hand ${hand.toFixed(0).padStart(5)} µs   async/hand ${(async_ / hand).toFixed(2)}×   pure/async ${(pure / async_).toFixed(1)}×`);
  }
  console.log(JSON.stringify(run));
}
