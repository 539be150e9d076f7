'use strict';
// `cardwire/wasm` on Node (and Bun): the WebAssembly build, whatever the platform
// (the one built for speed: cardwire_wasm_speed_bg.wasm).
const { CardwireError } = require('./error.cjs');
const { defineClasses } = require('./classes.cjs');
const native = require('./cardwire_wasm_speed.cjs');

native.registerErrorClass(CardwireError);
module.exports = {
  CardwireError,
  backend: 'wasm',
  nativeUnavailableReason: 'the cardwire/wasm entry',
  // RSA signing in the async forms goes through WebCrypto.
  ...defineClasses(native, CardwireError, { subtle: globalThis.crypto && globalThis.crypto.subtle }),
};
