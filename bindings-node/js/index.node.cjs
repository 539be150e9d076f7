'use strict';
// Node entry (CommonJS; the ES module entry re-exports this one instance).
// Loads the native addon from this platform's package (cardwire-<key>, one
// of the optionalDependencies: npm installs only the one that matches) when
// CARDWIRE_FORCE_WASM is not 1; otherwise the WebAssembly build, and says so
// once on stderr unless CARDWIRE_QUIET=1. The platform keys are
// bindings-node/platforms.json's (a test checks this list against it); the
// requires are static so bundlers (esbuild `--loader:.node=copy`, webpack
// with node-loader) can follow them.
const { CardwireError } = require('./error.cjs');
const { defineClasses } = require('./classes.cjs');

function isMusl() {
  // The loader's own script names its C library; Node's report is the
  // fallback where there is no /usr/bin/ldd.
  try {
    return require('node:fs').readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    // No ldd: ask the runtime.
  }
  try {
    const header = process.report && process.report.getReport().header;
    return Boolean(header) && !header.glibcVersionRuntime;
  } catch {
    return false;
  }
}

function platformKey() {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

function loadNative() {
  if (process.env.CARDWIRE_FORCE_WASM === '1') return { why: 'CARDWIRE_FORCE_WASM=1', forced: true };
  const key = platformKey();
  try {
    switch (key) {
      case 'linux-x64-gnu': return { native: require('cardwire-linux-x64-gnu') };
      case 'linux-x64-musl': return { native: require('cardwire-linux-x64-musl') };
      case 'linux-arm64-gnu': return { native: require('cardwire-linux-arm64-gnu') };
      case 'linux-arm64-musl': return { native: require('cardwire-linux-arm64-musl') };
      case 'darwin-x64': return { native: require('cardwire-darwin-x64') };
      case 'darwin-arm64': return { native: require('cardwire-darwin-arm64') };
      case 'win32-x64-msvc': return { native: require('cardwire-win32-x64-msvc') };
      default: return { why: `no native addon is built for ${key}` };
    }
  } catch (e) {
    const missing = e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(`cardwire-${key}`);
    return {
      why: missing
        ? `cardwire-${key} is not installed (an optional dependency: installed with --no-optional, --omit=optional, or on another platform?)`
        : `cardwire-${key} did not load (${e && e.code ? e.code : e})`,
    };
  }
}

const loaded = loadNative();
if (!loaded.native && !loaded.forced && process.env.CARDWIRE_QUIET !== '1') {
  console.warn(`cardwire: running on WebAssembly: ${loaded.why}. RSA is slower there; CARDWIRE_QUIET=1 hides this line.`);
}
const native = loaded.native || require('./cardwire_wasm_speed.cjs');
native.registerErrorClass(CardwireError);
module.exports = {
  CardwireError,
  backend: loaded.native ? 'native' : 'wasm',
  nativeUnavailableReason: loaded.native ? null : loaded.why,
  // On WebAssembly, RSA signing in the async forms goes through WebCrypto.
  ...defineClasses(native, CardwireError, loaded.native ? null : { subtle: globalThis.crypto && globalThis.crypto.subtle }),
};
