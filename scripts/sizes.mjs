#!/usr/bin/env node
// The npm package's download sizes against their budgets
// (bindings-node/size-budget.json), gzip -9 as `gzip -9 -c` counts them.
//
//   node scripts/sizes.mjs            print every .wasm and every entry
//   node scripts/sizes.mjs --check    fail when one is over its budget, when the
//                                     package was not built by the pinned nightly,
//                                     or when README.md's figures are not the build's
//   node scripts/sizes.mjs --write    write the build's figures into README.md
//
// An entry's size is everything a page (or a worker) downloads for it: the
// file its export resolves to (browser, worker, import, default: the first
// that exists), the files it imports statically (`import`, `export … from`,
// `require('./…')`, a module script of an HTML page) and any .wasm they load.
// The native Node addon (.node) is no download and is left out.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'bindings-node/pkg');
const budget = JSON.parse(readFileSync(join(root, 'bindings-node/size-budget.json'), 'utf8'));
const mode = process.argv[2] ?? '';
if (!['', '--check', '--write'].includes(mode)) {
  console.error('usage: node scripts/sizes.mjs [--check | --write]');
  process.exit(2);
}
if (!existsSync(join(pkg, 'package.json'))) {
  console.error('bindings-node/pkg is not built: run scripts/build-wasm.sh (or make package) first');
  process.exit(1);
}

const gz = new Map();
function gzip(file) {
  if (!gz.has(file)) {
    const raw = readFileSync(file);
    const packed = execFileSync('gzip', ['-9', '-c', '-n'], { input: raw, maxBuffer: 1 << 28 });
    gz.set(file, { raw: raw.length, gzip: packed.length });
  }
  return gz.get(file);
}

// What a file pulls in: relative imports and requires, HTML module scripts, .wasm files.
function deps(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  const patterns = [
    /\bimport\s+(?:[^'"`;]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/g,
    /\bexport\s+[^'"`;]*?\s+from\s+['"](\.{1,2}\/[^'"]+)['"]/g,
    /\brequire\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
    /<script[^>]*\bsrc=["'](\.{0,2}\/?[^"':]+)["']/g,
    /new URL\(\s*['"]([^'"]+\.wasm)['"]\s*,\s*import\.meta\.url\s*\)/g,
    /\$\{__dirname\}\/([^`'"]+\.wasm)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(normalize(join(dirname(file), m[1])));
  return out.filter((f) => !f.endsWith('.node'));
}

function closure(file) {
  const seen = new Set();
  const todo = [file];
  while (todo.length) {
    const f = todo.pop();
    if (seen.has(f)) continue;
    if (!existsSync(f)) throw new Error(`${f.slice(root.length + 1)} is imported but not in the package`);
    seen.add(f);
    if (!f.endsWith('.wasm')) todo.push(...deps(f));
  }
  return [...seen].sort();
}

function resolve(target) {
  if (typeof target === 'string') return target;
  for (const cond of ['browser', 'worker', 'import', 'default']) {
    if (target[cond] !== undefined) return resolve(target[cond]);
  }
  return undefined;
}

const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
const rows = [];
const problems = [];
for (const [name, limit] of Object.entries(budget.wasm)) {
  const s = gzip(join(pkg, name));
  rows.push({ kind: 'wasm', name, files: [name], ...s, limit });
}
for (const [spec, target] of Object.entries(manifest.exports)) {
  if (spec === './package.json') continue;
  const file = resolve(target);
  if (!file || file.endsWith('.d.ts')) continue;
  const files = closure(join(pkg, file));
  const total = files.map(gzip).reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }), { raw: 0, gzip: 0 });
  const limit = budget.entries[spec];
  if (limit === undefined) problems.push(`export ${spec} has no budget in bindings-node/size-budget.json`);
  rows.push({ kind: 'entry', name: spec, files: files.map((f) => f.slice(pkg.length + 1)), ...total, limit });
}
for (const spec of Object.keys(budget.entries)) {
  if (!rows.some((r) => r.kind === 'entry' && r.name === spec)) problems.push(`budget for ${spec}, which the package does not export`);
}
for (const r of rows) {
  if (r.limit !== undefined && r.gzip > r.limit) {
    problems.push(`${r.name} is ${r.gzip} bytes gzip -9, over its budget of ${r.limit} (${r.files.join(' + ')})`);
  }
}

const n = (x) => x.toLocaleString('en-US');
for (const r of rows) {
  console.log(`${r.kind.padEnd(5)} ${r.name.padEnd(24)} ${n(r.gzip).padStart(9)} B gzip -9 (budget ${r.limit === undefined ? '-' : n(r.limit)}; ${n(r.raw)} B raw): ${r.files.join(' + ')}`);
}

// The figures README.md shows, between its size markers.
const info = existsSync(join(root, 'target/wasm-build-info.json'))
  ? JSON.parse(readFileSync(join(root, 'target/wasm-build-info.json'), 'utf8'))
  : { toolchain: 'unknown' };
const block = [
  '<!-- sizes:begin (written by `node scripts/sizes.mjs --write` from the build; `make test` checks it) -->',
  `| download (gzip -9, as built by rustc ${budget.toolchain}) | bytes | budget |`,
  '|---|---|---|',
  ...rows.map((r) => `| ${r.kind === 'wasm' ? `\`${r.name}\`` : `\`cardwire${r.name.slice(1)}\``}${r.kind === 'entry' ? ` (${r.files.join(', ')})` : ` (${n(r.raw)} B raw)`} | ${n(r.gzip)} | ${r.limit === undefined ? '' : n(r.limit)} |`),
  '<!-- sizes:end -->',
].join('\n');
const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const marked = /<!-- sizes:begin[^]*?<!-- sizes:end -->/;
if (!marked.test(readme)) problems.push('README.md has no <!-- sizes:begin --> … <!-- sizes:end --> block');

const pinned = info.toolchain === budget.toolchain;
if (mode === '--write') {
  if (!pinned) {
    console.error(`not writing README.md: the package was built by rustc ${info.toolchain}, not the pinned ${budget.toolchain}`);
    process.exit(1);
  }
  writeFileSync(readmePath, readme.replace(marked, block));
  console.log('README.md: size figures written');
} else if (mode === '--check') {
  if (!pinned) {
    problems.push(`the package was built by rustc ${info.toolchain}, not the pinned nightly ${budget.toolchain} (bindings-node/size-budget.json): install it (rustup toolchain install ${budget.toolchain_name} -c rust-src -t wasm32-unknown-unknown) and run scripts/build-wasm.sh`);
  } else if (marked.test(readme) && readme.match(marked)[0] !== block) {
    problems.push('README.md size figures are not the build\'s: run node scripts/sizes.mjs --write');
  }
  if (problems.length) {
    for (const p of problems) console.error(`size check: ${p}`);
    process.exit(1);
  }
  console.log('size check: every .wasm and entry within budget; README.md figures are the build\'s');
}
