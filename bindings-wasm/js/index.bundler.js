// Bundler entry (webpack, Vite, Rollup with a wasm plugin).
import * as wasm from './bundler/cardwire_wasm.js';
import { CardwireError } from './error.js';
import { defineClasses } from './classes.mjs';

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
