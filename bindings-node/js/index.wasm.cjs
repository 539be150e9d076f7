'use strict';
// `cardwire/wasm` on Node: the WebAssembly build, whatever the platform.
const { CardwireError } = require('./error.cjs');
const { defineClasses } = require('./classes.cjs');
const native = require('./cardwire_wasm.cjs');

native.registerErrorClass(CardwireError);
module.exports = {
  CardwireError,
  backend: 'wasm',
  nativeUnavailableReason: 'the cardwire/wasm entry',
  // RSA signing in the async forms goes through WebCrypto.
  ...defineClasses(native, CardwireError, { subtle: globalThis.crypto && globalThis.crypto.subtle }),
};
