// Browser, Deno and worker entry: loads the module with top-level await.
import init, * as wasm from './web/cardwire_wasm.js';
import { CardwireError } from './error.js';

await init({ module_or_path: new URL('./web/cardwire_wasm_bg.wasm', import.meta.url) });
wasm.registerErrorClass(CardwireError);

export { CardwireError };
export {
  WorldCardMerchant, WorldCardPlatform, WorldCardLegacy,
  WasabiMerchant, WasabiPlatform, WasabiGateway,
  PinToPayMerchant, PinToPayPlatform, PayCaClient, PayCaPlatform,
  validate, errorCodes,
} from './web/cardwire_wasm.js';
