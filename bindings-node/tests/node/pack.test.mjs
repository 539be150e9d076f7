// `npm pack` makes the installable tarballs: the main package (README,
// licences, repository, types for import and require and every subpath, the
// two wasm files, no native binary, one optional dependency per platform
// package of platforms.json) and this machine's platform package (the addon,
// `os`/`cpu`/`libc`). Installed into a fresh project offline, they work with
// `import` and `require`, native and forced WebAssembly, every provider
// (tests/installed-smoke.cjs), and the types compile there with tsc
// --strict. Without the platform package the main package runs on
// WebAssembly and says so in one line, unless CARDWIRE_QUIET=1.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './helpers.mjs';

const forced = process.env.CARDWIRE_FORCE_WASM === '1';

test('npm pack: the main package and this platform\'s, installed offline, every provider on both backends', { skip: forced && 'the packed package is checked on both backends in the native run' }, () => {
  const out = join(ROOT, 'target/npm-pack');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  const [info] = JSON.parse(npm(['pack', '--json', '--pack-destination', out], join(ROOT, 'bindings-node/pkg')));
  const files = info.files.map((f) => f.path).sort();
  for (const f of ['README.md', 'LICENSE-MIT', 'LICENSE-APACHE', 'package.json', 'index.d.ts', 'index.d.cts', 'index.node.cjs', 'index.node.mjs', 'index.wasm.cjs', 'index.wasm.mjs', 'index.web.js', 'index.server.js', 'index.workerd.js', 'cardwire_wasm_bg.wasm', 'cardwire_wasm_speed_bg.wasm', 'cardwire_wasm_speed.cjs']) {
    assert.ok(files.includes(f), `${f} in the tarball: ${files.join(' ')}`);
  }
  // Two builds of one module: for size (browsers, bundlers) and for speed (Node, Bun, Deno, workerd).
  assert.deepEqual(files.filter((f) => f.endsWith('.wasm')), ['cardwire_wasm_bg.wasm', 'cardwire_wasm_speed_bg.wasm']);
  // No native binary in the main package: browser-only users download none.
  assert.deepEqual(files.filter((f) => f.endsWith('.node')), []);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'bindings-node/pkg/package.json'), 'utf8'));
  const { platforms } = JSON.parse(readFileSync(join(ROOT, 'bindings-node/platforms.json'), 'utf8'));
  assert.deepEqual(pkg.optionalDependencies, Object.fromEntries(platforms.map((p) => [`cardwire-${p.key}`, pkg.version])));
  // This machine's platform package.
  const [plat] = JSON.parse(npm(['pack', '--json', '--pack-destination', out], join(ROOT, 'bindings-node/npm/linux-x64-gnu')));
  assert.deepEqual(plat.files.map((f) => f.path).sort(), ['LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'cardwire.linux-x64-gnu.node', 'package.json']);
  const platPkg = JSON.parse(readFileSync(join(ROOT, 'bindings-node/npm/linux-x64-gnu/package.json'), 'utf8'));
  assert.deepEqual([platPkg.name, platPkg.version, platPkg.main, platPkg.os, platPkg.cpu, platPkg.libc], ['cardwire-linux-x64-gnu', pkg.version, 'cardwire.linux-x64-gnu.node', ['linux'], ['x64'], ['glibc']]);
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
  npm(['install', '--offline', '--no-package-lock', join(out, info.filename), join(out, plat.filename)], app);
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
  // Every provider, both sides, on both backends, from the installed packages.
  copyFileSync(join(ROOT, 'bindings-node/tests/installed-smoke.cjs'), join(app, 'smoke.cjs'));
  for (const [env, want] of [[{}, 'native'], [{ CARDWIRE_FORCE_WASM: '1' }, 'wasm']]) {
    const got = execFileSync(process.execPath, [join(app, 'smoke.cjs'), join(ROOT, 'tests/vectors/keys'), want], { cwd: app, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    assert.match(got, new RegExp(`\\(linux-x64, ${want}\\): worldcard, worldcard_legacy, wasabi, wasabi_gateway, pintopay, payca\\n$`));
  }

  // The main package alone (optional dependencies omitted): WebAssembly, said once.
  const bare = join(out, 'bare');
  mkdirSync(bare, { recursive: true });
  writeFileSync(join(bare, 'package.json'), JSON.stringify({ name: 'bare-app', private: true, version: '1.0.0' }));
  npm(['install', '--offline', '--no-package-lock', '--omit=optional', join(out, info.filename)], bare);
  writeFileSync(join(bare, 'twice.cjs'), "const a = require('cardwire'); const b = require('cardwire'); console.log(a === b, a.backend, a.nativeUnavailableReason);\n");
  const run = (env) => spawnSync(process.execPath, [join(bare, 'twice.cjs')], { cwd: bare, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  const noisy = run({});
  assert.equal(noisy.status, 0, noisy.stderr);
  assert.match(noisy.stdout, /^true wasm cardwire-linux-x64-gnu is not installed/);
  const lines = noisy.stderr.trim().split('\n');
  assert.equal(lines.length, 1, noisy.stderr);
  assert.match(lines[0], /^cardwire: running on WebAssembly: cardwire-linux-x64-gnu is not installed .*CARDWIRE_QUIET=1/);
  const quiet = run({ CARDWIRE_QUIET: '1' });
  assert.equal(quiet.stderr, '');
  assert.match(quiet.stdout, /^true wasm /);
  // Forced: chosen, so not announced.
  assert.equal(run({ CARDWIRE_FORCE_WASM: '1' }).stderr, '');
});
