// Bundler entry (webpack, Vite, Rollup with a wasm plugin).
import * as wasm from './bundler/cardwire_wasm.js';
import { CardwireError } from './error.js';

wasm.registerErrorClass(CardwireError);

export { CardwireError };
export {
  WorldCardMerchant, WorldCardPlatform, WorldCardLegacy,
  WasabiMerchant, WasabiPlatform, WasabiGateway,
  PinToPayMerchant, PinToPayPlatform, PayCaClient, PayCaPlatform,
  validate, errorCodes,
} from './bundler/cardwire_wasm.js';
