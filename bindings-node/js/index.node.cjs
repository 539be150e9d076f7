'use strict';
// Node entry (CommonJS; the ES module entry re-exports this one instance).
// Loads the native addon when a binary for this platform is in the package
// and CARDWIRE_FORCE_WASM is not 1; otherwise the WebAssembly build. The
// requires are static so bundlers (esbuild `--loader:.node=copy`, webpack
// with node-loader) can follow them.
const { CardwireError } = require('./error.cjs');
const { defineClasses } = require('./classes.cjs');

function loadNative() {
  if (process.env.CARDWIRE_FORCE_WASM === '1') return { why: 'CARDWIRE_FORCE_WASM=1' };
  const where = `${process.platform}-${process.arch}`;
  try {
    switch (where) {
      case 'linux-x64': return { native: require('./cardwire.linux-x64-gnu.node') };
      case 'linux-arm64': return { native: require('./cardwire.linux-arm64-gnu.node') };
      case 'darwin-arm64': return { native: require('./cardwire.darwin-arm64.node') };
      case 'darwin-x64': return { native: require('./cardwire.darwin-x64.node') };
      default: return { why: `no native binary for ${where}` };
    }
  } catch (e) {
    return { why: `the native binary for ${where} did not load (${e && e.code ? e.code : e})` };
  }
}

const loaded = loadNative();
const native = loaded.native || require('./cardwire_wasm_speed.cjs');
native.registerErrorClass(CardwireError);
module.exports = {
  CardwireError,
  backend: loaded.native ? 'native' : 'wasm',
  nativeUnavailableReason: loaded.native ? null : loaded.why,
  // On WebAssembly, RSA signing in the async forms goes through WebCrypto.
  ...defineClasses(native, CardwireError, loaded.native ? null : { subtle: globalThis.crypto && globalThis.crypto.subtle }),
};
