// Cloudflare Workers (workerd): the module arrives compiled, imported as a
// module (wrangler's default rule for .wasm, or a CompiledWasm module in
// workerd's own config); instantiating it needs no fetch of a file.
import { initSync, registerErrorClass } from './cardwire_wasm.js';
import module from './cardwire_wasm_bg.wasm';
import { CardwireError } from './error.js';

initSync({ module });
registerErrorClass(CardwireError);
