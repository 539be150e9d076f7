// The README's Node quick start, extracted and run as written, and every
// example in examples/node/ (dependency-free receivers, request signing,
// Express and Fastify receivers): on whichever backend this run loaded.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers.mjs';

const run = (file) => execFileSync(process.execPath, [file], { encoding: 'utf8', env: process.env, timeout: 60_000 });
const backend = process.env.CARDWIRE_FORCE_WASM === '1' ? 'wasm' : 'native';

test('README Node quick start runs', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('## Node quick start')[1];
  const code = section.match(/```js\n([\s\S]*?)```/)[1];
  const dir = join(ROOT, 'bindings-node/tests/tmp');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'quickstart.mjs'), code);
  const out = run(join(dir, 'quickstart.mjs'));
  assert.match(out, new RegExp(`^backend ${backend}$`, 'm'));
  assert.match(out, /^POST \/api\/v1\/card\/virtual\/get_info true$/m);
  assert.match(out, /validation_failed \{ amount: \[ 'must be at least 10' \] \}/);
  assert.match(out, /^card_open false true$/m);
  assert.match(out, /^async signature verifies: true$/m);
});

test('examples/node/receivers.mjs: a receiver per provider on node:http', () => {
  const out = run(join(ROOT, 'examples/node/receivers.mjs'));
  for (const provider of ['worldcard', 'legacy', 'wasabi', 'pintopay', 'payca']) {
    assert.match(out, new RegExp(`^${provider}: delivery 20[04], redelivery 20[04], forgery 401$`, 'm'), out);
  }
  assert.match(out, new RegExp(`^handled once each: worldcard:card_deposit, legacy:top_up, wasabi:card_transaction, pintopay:card.transaction, payca:card_transaction \\(backend: ${backend}\\)$`, 'm'));
});

test('examples/node/sign-requests.mjs: a signed request for every provider', () => {
  const out = run(join(ROOT, 'examples/node/sign-requests.mjs'));
  for (const name of ['worldcard', 'worldcard \\(async\\)', 'legacy', 'wasabi', 'gateway', 'pintopay', 'payca']) assert.match(out, new RegExp(`^${name}: (POST|GET) /`, 'm'));
  assert.match(out, /^refused before sending: \{"amount":\["must be at least 10"\]\}$/m);
});

test('examples/node/express-receiver.mjs and fastify-receiver.mjs: raw-body routes', () => {
  for (const [file, name] of [['express-receiver.mjs', 'express'], ['fastify-receiver.mjs', 'fastify']]) {
    const out = run(join(ROOT, 'examples/node', file));
    assert.match(out, new RegExp(`^${name} worldcard: delivery 200, redelivery 200, forgery 401$`, 'm'), out);
    assert.match(out, new RegExp(`^${name} payca: delivery 204, redelivery 204, forgery 401$`, 'm'), out);
    assert.equal(out.match(/^handled /gm).length, 2, 'each delivery handled once');
  }
});

test('examples/node/verify-webhook.mjs runs', () => {
  const out = run(join(ROOT, 'examples/node/verify-webhook.mjs'));
  assert.match(out, /^card_deposit: card 1234567890123456 \+50\.00$/m);
  assert.match(out, /^duplicate delivery [0-9a-f]+: acknowledged, skipped$/m);
  assert.match(out, /^refused: signature_invalid$/m);
});
