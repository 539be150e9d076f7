// Loads the WebAssembly module from the file beside this one, with top-level
// await (browsers, workers, Deno, Bun, bundlers). webpack 5 and Vite see
// `new URL(..., import.meta.url)` and emit the file; with esbuild, copy
// node_modules/cardwire/cardwire_wasm_bg.wasm next to your bundle (README).
import init, { registerErrorClass } from './cardwire_wasm.js';
import { CardwireError } from './error.js';

const url = new URL('./cardwire_wasm_bg.wasm', import.meta.url);
try {
  await init({ module_or_path: url });
} catch (cause) {
  throw new Error(
    `cardwire could not load its WebAssembly module from ${url} (${cause && cause.message ? cause.message : cause}). ` +
      'Serve cardwire_wasm_bg.wasm from node_modules/cardwire beside your bundle: webpack 5 and Vite do this by themselves; ' +
      'with esbuild, copy the file to the output directory. On Cloudflare Workers the `workerd` condition picks index.workerd.js.',
    { cause },
  );
}
registerErrorClass(CardwireError);
