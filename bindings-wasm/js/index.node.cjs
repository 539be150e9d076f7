'use strict';
// Node CommonJS entry (the wasm is loaded synchronously).
const wasm = require('./node/cardwire_wasm.js');
const { CardwireError } = require('./error.cjs');
const { defineClasses } = require('./classes.cjs');

wasm.registerErrorClass(CardwireError);
module.exports = { CardwireError, backend: 'wasm', ...defineClasses(wasm, CardwireError) };
