// One runtime's side of bench/edge.mjs (Node, Bun, Deno): cardwire's
// WebAssembly build (`cardwire/wasm`; on Deno, `cardwire` through its
// `deno` condition) against hand-written WebCrypto. Prints one JSON line.
import { readFileSync } from 'node:fs';
import { setup, check, timeSideBySide } from './edge-cases.js';

const cw = await import(globalThis.Deno ? 'cardwire' : 'cardwire/wasm');
const keyDir = new URL('../../tests/vectors/keys/', import.meta.url);
const k = (n) => readFileSync(new URL(n, keyDir), 'utf8');
const keys = {
  merchant2048: k('merchant_2048.pkcs8.pem'), merchant2048pub: k('merchant_2048.spki.pem'), platform2048: k('platform_2048.pkcs8.pem'), platform2048pub: k('platform_2048.spki.pem'),
  merchant1024: k('merchant_1024.pkcs8.pem'), merchant1024pub: k('merchant_1024.spki.pem'), platform1024: k('platform_1024.pkcs8.pem'), platform1024pub: k('platform_1024.spki.pem'),
};
const cases = await setup({ cw, subtle: globalThis.crypto.subtle, keys });
await check(cases);
const results = [];
for (const [op, impls] of Object.entries(cases)) {
  for (const [impl, us] of Object.entries(await timeSideBySide(impls))) results.push({ op, impl, us });
}
const runtime = globalThis.Bun ? `bun ${Bun.version}` : globalThis.Deno ? `deno ${Deno.version.deno}` : `node ${process.versions.node}`;
console.log(JSON.stringify({ runtime, backend: cw.backend, results }));
