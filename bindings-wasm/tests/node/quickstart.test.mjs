// The README's JavaScript quick start, extracted and run as written.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers.mjs';

test('README JavaScript quick start runs', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('## JavaScript quick start')[1];
  const code = section.match(/```js\n([\s\S]*?)```/)[1];
  const dir = join(ROOT, 'bindings-wasm/tests/tmp');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'quickstart.mjs'), code);
  const out = execFileSync(process.execPath, [join(dir, 'quickstart.mjs')], { encoding: 'utf8' });
  assert.match(out, /^POST \/api\/v1\/card\/virtual\/get_info true$/m);
  assert.match(out, /validation_failed \{ amount: \[ 'must be at least 10' \] \}/);
  assert.match(out, /^card_open false true$/m);
});

test('examples/node-wasm/verify-webhook.mjs runs', () => {
  const out = execFileSync(process.execPath, [join(ROOT, 'examples/node-wasm/verify-webhook.mjs')], { encoding: 'utf8' });
  assert.match(out, /^card_deposit: card 1234567890123456 \+50\.00$/m);
  assert.match(out, /^duplicate delivery [0-9a-f]+: acknowledged, skipped$/m);
  assert.match(out, /^refused: signature_invalid$/m);
});
