// Browser, worker, Deno and bundler entry: loads the WebAssembly module with
// top-level await, from the file beside this one. webpack 5 and Vite see
// `new URL(..., import.meta.url)` and emit the file; with esbuild, copy
// node_modules/cardwire/cardwire_wasm_bg.wasm next to your bundle (README).
import init, * as wasm from './cardwire_wasm.js';
import { CardwireError } from './error.js';
import { defineClasses } from './classes.mjs';

const url = new URL('./cardwire_wasm_bg.wasm', import.meta.url);
try {
  await init({ module_or_path: url });
} catch (cause) {
  throw new Error(
    `cardwire could not load its WebAssembly module from ${url} (${cause && cause.message ? cause.message : cause}). ` +
      'Serve cardwire_wasm_bg.wasm from node_modules/cardwire beside your bundle: webpack 5 and Vite do this by themselves; ' +
      'with esbuild, copy the file to the output directory.',
    { cause },
  );
}
wasm.registerErrorClass(CardwireError);

const api = defineClasses(wasm, CardwireError);
export { CardwireError };
export const backend = 'wasm';
export const nativeUnavailableReason = 'the WebAssembly entry (browsers, workers, Deno, bundlers)';
export const {
  WorldCardMerchant, WorldCardPlatform, WorldCardLegacy, WorldCardLegacyPlatform,
  WasabiMerchant, WasabiPlatform, WasabiGateway,
  PinToPayMerchant, PinToPayPlatform, PayCaClient, PayCaPlatform, CardReveal,
  validate, errorCodes, statusModel, sealCardForBrowser, answerReveal,
} = api;
