// Browser, worker, Deno, Bun and bundler entry: the WebAssembly module loaded
// from the file beside this one (web-init.js), the classes over it.
import './web-init.js';
export * from './web-api.js';
