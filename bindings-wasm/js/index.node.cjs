'use strict';
// Node CommonJS entry (the wasm is loaded synchronously).
const wasm = require('./node/cardwire_wasm.js');

/** Every failure thrown by cardwire: a real Error with a stable `code`. */
class CardwireError extends Error {
  constructor(code, message, extra) {
    super(message);
    this.name = 'CardwireError';
    this.code = code;
    if (extra) Object.assign(this, extra);
  }
}
wasm.registerErrorClass(CardwireError);

module.exports = {
  CardwireError,
  WorldCardMerchant: wasm.WorldCardMerchant,
  WorldCardPlatform: wasm.WorldCardPlatform,
  WorldCardLegacy: wasm.WorldCardLegacy,
  WasabiMerchant: wasm.WasabiMerchant,
  WasabiPlatform: wasm.WasabiPlatform,
  WasabiGateway: wasm.WasabiGateway,
  PinToPayMerchant: wasm.PinToPayMerchant,
  PinToPayPlatform: wasm.PinToPayPlatform,
  PayCaClient: wasm.PayCaClient,
  PayCaPlatform: wasm.PayCaPlatform,
  validate: wasm.validate,
  errorCodes: wasm.errorCodes,
};
