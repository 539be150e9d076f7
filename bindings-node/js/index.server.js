// Deno entry (the `deno` export condition): the WebAssembly module built for
// speed, loaded from the file beside this one (server-init.js), the classes
// over it. Browsers and bundlers take index.web.js (built for size).
import './server-init.js';
export * from './web-api.js';
