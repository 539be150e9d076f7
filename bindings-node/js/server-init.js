// Deno (the `deno` export condition): loads the WebAssembly module built for
// speed from the file beside this one, with top-level await. Browsers,
// workers and bundlers take web-init.js (the module built for size).
import init, { registerErrorClass } from './cardwire_wasm.js';
import { CardwireError } from './error.js';

const url = new URL('./cardwire_wasm_speed_bg.wasm', import.meta.url);
try {
  await init({ module_or_path: url });
} catch (cause) {
  throw new Error(
    `cardwire could not load its WebAssembly module from ${url} (${cause && cause.message ? cause.message : cause}). ` +
      'It ships in the cardwire package beside this file: a bundle for Deno needs it beside the bundle too.',
    { cause },
  );
}
registerErrorClass(CardwireError);
