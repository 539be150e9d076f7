// Node bench of the WebAssembly build: node bench/bench.mjs (make bench-js). Prints a table; also
// runs the same cases in headless Chromium with --browser.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as cw from 'cardwire/wasm';
import { runAll } from './cases.js';

const require = createRequire(import.meta.url);
const forge = require('node-forge');
const nacl = require('tweetnacl');
const key = (n) => readFileSync(new URL(`../../tests/vectors/keys/${n}`, import.meta.url), 'utf8');
const keys = {
  merchantPriv: key('merchant_2048.pkcs8.pem'), merchantPub: key('merchant_2048.spki.pem'),
  platformPriv: key('platform_2048.pkcs8.pem'), platformPub: key('platform_2048.spki.pem'),
};
console.log(`Node ${process.version}`);
const results = await runAll({ cw, forge, nacl, subtle: globalThis.crypto.subtle, keys, log: console.log });
console.log(JSON.stringify({ runtime: `node ${process.version}`, results }));
