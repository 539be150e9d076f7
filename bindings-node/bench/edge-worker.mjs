// bench/edge.mjs's worker (workerd): `/run?op=…&impl=…&n=…` runs one case n
// times; the host times the request (the worker's clock stands still).
import * as cw from 'cardwire';
import keys from './edge-keys.mjs';
import { setup, check, loop } from './edge-cases.js';

let ready;
export default {
  async fetch(request) {
    ready ??= setup({ cw, subtle: crypto.subtle, keys }).then(async (c) => { await check(c); return c; });
    const cases = await ready;
    const u = new URL(request.url);
    const n = Number(u.searchParams.get('n'));
    if (n > 0) await loop(cases, u.searchParams.get('op'), u.searchParams.get('impl'), n);
    return Response.json({ backend: cw.backend, ops: Object.fromEntries(Object.entries(cases).map(([op, impls]) => [op, Object.keys(impls).filter((k) => k !== 'check')])) });
  },
};
