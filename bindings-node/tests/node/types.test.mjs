// The TypeScript declarations: the error-code union matches the core catalog,
// and a typed usage sample compiles against index.d.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { errorCodes } from 'cardwire';
import { ROOT } from './helpers.mjs';

test('CardwireErrorCode union equals the core catalog', () => {
  const dts = readFileSync(join(ROOT, 'bindings-node/js/index.d.ts'), 'utf8');
  const block = dts.match(/export type CardwireErrorCode =([\s\S]*?);/)[1];
  const union = [...block.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
  assert.deepEqual(union, errorCodes());
  const rust = readFileSync(join(ROOT, 'core/src/error.rs'), 'utf8');
  // The one table in core/src/error.rs: `Variant => "code", constructor;`.
  const catalog = [...rust.match(/\ncatalog! \{([\s\S]*?)\n\}/)[1].matchAll(/=> "([a-z_]+)"/g)].map((m) => m[1]);
  assert.deepEqual(union, catalog);
});

test('a typed usage sample compiles with tsc --strict', () => {
  const require = createRequire(import.meta.url);
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'bindings-node/tests/types/tsconfig.json')], { stdio: 'pipe' });
});
