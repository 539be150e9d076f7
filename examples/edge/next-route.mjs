// Next.js (App Router): save as app/webhooks/[provider]/route.js. A route
// handler is a Fetch API handler: the body is still unread when it runs.
import { receivers } from './receivers.mjs';

const route = receivers(process.env);
export const runtime = 'nodejs'; // or 'edge': the WebAssembly build runs there too

export async function POST(request) {
  return route(request);
}
