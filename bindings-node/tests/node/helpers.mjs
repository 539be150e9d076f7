// Shared helpers for the Node tests: the repository's conformance vectors and keys.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const VECTORS = join(ROOT, 'tests/vectors');

export const key = (name) => readFileSync(join(VECTORS, 'keys', name), 'utf8');

export function cases(provider) {
  const dir = join(VECTORS, provider);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(dir, f), 'utf8'))]);
}

/** Runs `fn`; returns 'ok' or the thrown CardwireError's code (anything else is rethrown). */
export function codeOf(fn, CardwireError) {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (!(e instanceof CardwireError)) throw e;
    return e.code;
  }
}
