// Cloudflare Workers (workerd): the module arrives compiled, imported as a
// module (wrangler's default rule for .wasm, or a CompiledWasm module in
// workerd's own config); instantiating it needs no fetch of a file. The
// module built for speed: a Worker's script limit is megabytes, and a
// call's work is what a request waits for.
import { initSync, registerErrorClass } from './cardwire_wasm.js';
import module from './cardwire_wasm_speed_bg.wasm';
import { CardwireError } from './error.js';

initSync({ module });
registerErrorClass(CardwireError);
