// Browser, Deno and worker entry: loads the module with top-level await.
import init, * as wasm from './web/cardwire_wasm.js';
import { CardwireError } from './error.js';
import { defineClasses } from './classes.mjs';

await init({ module_or_path: new URL('./web/cardwire_wasm_bg.wasm', import.meta.url) });
wasm.registerErrorClass(CardwireError);

const api = defineClasses(wasm, CardwireError);
export { CardwireError };
export const backend = 'wasm';
export const {
  WorldCardMerchant, WorldCardPlatform, WorldCardLegacy, WorldCardLegacyPlatform,
  WasabiMerchant, WasabiPlatform, WasabiGateway,
  PinToPayMerchant, PinToPayPlatform, PayCaClient, PayCaPlatform,
  validate, errorCodes, statusModel,
} = api;
