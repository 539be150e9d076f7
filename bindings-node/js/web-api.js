// The classes over the WebAssembly module, for the web and workerd entries.
// Nothing here calls into the module while it loads: the entry's own init
// module (web-init.js, workerd-init.js) instantiates it and registers the
// error class, whichever of the two the runtime evaluates first.
import * as wasm from './cardwire_wasm.js';
import { CardwireError } from './error.js';
import { defineClasses } from './classes.mjs';

// RSA signing in the async forms goes through the runtime's WebCrypto.
const api = defineClasses(wasm, CardwireError, { subtle: globalThis.crypto && globalThis.crypto.subtle });
export { CardwireError };
export const backend = 'wasm';
export const nativeUnavailableReason = 'the WebAssembly entry (browsers, workers, Deno, Bun, bundlers)';
export const {
  WorldCardMerchant, WorldCardPlatform, WorldCardLegacy, WorldCardLegacyPlatform,
  WasabiMerchant, WasabiPlatform, WasabiGateway,
  PinToPayMerchant, PinToPayPlatform, PayCaClient, PayCaPlatform, CardReveal,
  validate, errorCodes, statusModel, sealCardForBrowser, answerReveal, webhookHandler,
} = api;
