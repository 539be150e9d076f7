// Cloudflare Workers entry (the `workerd` export condition): the WebAssembly
// module imported compiled (workerd-init.js), the classes over it.
import './workerd-init.js';
export * from './web-api.js';
