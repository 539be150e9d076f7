// `npm pack` makes one installable tarball: README, licences, repository,
// types for import and require and every subpath, the wasm file once, the
// native addon. Installed into a fresh project (offline: it has no
// dependencies), it works with `import` and `require`, native and forced
// WebAssembly, and its types compile there with tsc --strict.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.mjs';

const forced = process.env.CARDWIRE_FORCE_WASM === '1';

test('npm pack: one tarball that installs and runs everywhere', { skip: forced && 'the packed package is checked on both backends in the native run' }, () => {
  const out = join(ROOT, 'target/npm-pack');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  const [info] = JSON.parse(npm(['pack', '--json', '--pack-destination', out], join(ROOT, 'bindings-node/pkg')));
  const files = info.files.map((f) => f.path).sort();
  for (const f of ['README.md', 'LICENSE-MIT', 'LICENSE-APACHE', 'package.json', 'index.d.ts', 'index.d.cts', 'index.node.cjs', 'index.node.mjs', 'index.wasm.cjs', 'index.wasm.mjs', 'index.web.js', 'index.server.js', 'index.workerd.js', 'cardwire_wasm_bg.wasm', 'cardwire_wasm_speed_bg.wasm', 'cardwire_wasm_speed.cjs', 'cardwire.linux-x64-gnu.node']) {
    assert.ok(files.includes(f), `${f} in the tarball: ${files.join(' ')}`);
  }
  // Two builds of one module: for size (browsers, bundlers) and for speed (Node, Bun, Deno, workerd).
  assert.deepEqual(files.filter((f) => f.endsWith('.wasm')), ['cardwire_wasm_bg.wasm', 'cardwire_wasm_speed_bg.wasm']);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'bindings-node/pkg/package.json'), 'utf8'));
  assert.ok(pkg.repository && pkg.license === 'MIT OR Apache-2.0');
  for (const [sub, conditions] of Object.entries(pkg.exports)) {
    if (sub === './package.json') continue;
    const walk = (c) => (typeof c === 'string' ? [] : 'default' in c && typeof c.default === 'string' ? [c] : Object.values(c).flatMap(walk));
    for (const leaf of walk(conditions)) assert.ok(leaf.types, `${sub}: types beside ${leaf.default}`);
  }
  const dts = readFileSync(join(ROOT, 'bindings-node/pkg/index.d.ts'), 'utf8');
  assert.ok(dts.includes('/// <reference lib="esnext.disposable" />'), 'Symbol.dispose in the types has its lib reference');

  // A fresh project, the tarball installed offline.
  const app = join(out, 'app');
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, version: '1.0.0' }));
  npm(['install', '--offline', '--no-package-lock', join(out, info.filename)], app);
  writeFileSync(join(app, 'esm.mjs'), `import { PayCaClient, PayCaPlatform, backend } from 'cardwire';
import * as wasm from 'cardwire/wasm';
const hook = new PayCaPlatform({ clientId: 'c', clientSecret: 's' }).signWebhook('card_transaction', { amount: '1.00' });
const ev = new PayCaClient({ clientId: 'c', clientSecret: 's' }).verifyWebhook(hook.headers, hook.body);
console.log('esm', backend, wasm.backend, ev.type, ev.data.amount);
`);
  writeFileSync(join(app, 'cjs.cjs'), `const { PayCaClient, PayCaPlatform, backend } = require('cardwire');
const wasm = require('cardwire/wasm');
const hook = new PayCaPlatform({ clientId: 'c', clientSecret: 's' }).signWebhook('card_transaction', { amount: '1.00' });
const ev = new PayCaClient({ clientId: 'c', clientSecret: 's' }).verifyWebhook(hook.headers, hook.body);
console.log('cjs', backend, wasm.backend, ev.type, ev.data.amount);
`);
  for (const [env, want] of [[{}, 'native'], [{ CARDWIRE_FORCE_WASM: '1' }, 'wasm']]) {
    for (const [file, kind] of [['esm.mjs', 'esm'], ['cjs.cjs', 'cjs']]) {
      const got = execFileSync(process.execPath, [join(app, file)], { cwd: app, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' }).trim();
      assert.equal(got, `${kind} ${want} wasm card_transaction 1.00`);
    }
  }
  // The installed types, for import and require, under tsc --strict.
  writeFileSync(join(app, 'check.mts'), "import { WorldCardMerchant, type WorldCardEvent } from 'cardwire';\nimport * as w from 'cardwire/wasm';\nconst f = (e: WorldCardEvent) => (e.type === 'card_deposit' ? e.data.amount : undefined);\nvoid f; void WorldCardMerchant; void w.backend;\n");
  writeFileSync(join(app, 'check.cts'), "import cw = require('cardwire');\nconst b: 'native' | 'wasm' = cw.backend;\nvoid b;\n");
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [] }, files: ['check.mts', 'check.cts'] }));
  execFileSync(process.execPath, [join(ROOT, 'bindings-node/node_modules/typescript/bin/tsc'), '-p', join(app, 'tsconfig.json')], { encoding: 'utf8' });
});
