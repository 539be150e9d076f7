// The page script of card.csp.html (no inline script: the page runs under
// `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'`). The test
// supplies window.__seal, standing in for the back end.
import '/bindings-node/pkg/card.mjs';

window.__events = [];
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
const card = document.querySelector('cardwire-card');
for (const t of ['ready', 'revealed', 'copied', 'expired', 'error']) card.addEventListener(t, (e) => window.__events.push([t, e.detail ?? null]));
card.fetchSealed = (request) => window.__seal(request);
window.__ready = true;
