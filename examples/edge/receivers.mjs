// Webhook receivers for every provider as Fetch API handlers, shared by the
// edge recipes beside this file (Cloudflare Workers, Deno, Bun, Hono,
// Next.js). Keys and secrets come from the runtime's environment (Workers
// `env`, `Deno.env`, `Bun.env` / `process.env`); a provider whose variables
// are missing has no route. Each handler reads the raw body itself, verifies
// it, runs `onEvent` once per delivery and answers the provider's
// acknowledgement (or 401, or 503 when a shared store cannot answer).
import {
  webhookHandler, WorldCardMerchant, WorldCardLegacy, WasabiMerchant, PinToPayMerchant, PayCaClient, backend,
} from 'cardwire';

const make = {
  worldcard: (e) => e.WORLDCARD_APP_ID && new WorldCardMerchant({
    appId: e.WORLDCARD_APP_ID, privateKeyPem: e.WORLDCARD_PRIVATE_KEY_PEM, aesKey: e.WORLDCARD_AES_KEY,
    platformPublicKeyPem: e.WORLDCARD_PLATFORM_PUBLIC_KEY_PEM,
  }),
  legacy: (e) => e.LEGACY_APP_KEY && new WorldCardLegacy({ appKey: e.LEGACY_APP_KEY, appSecret: e.LEGACY_APP_SECRET }),
  wasabi: (e) => e.WASABI_API_KEY && new WasabiMerchant({
    apiKey: e.WASABI_API_KEY, privateKeyPem: e.WASABI_PRIVATE_KEY_PEM, platformPublicKeyPem: e.WASABI_PLATFORM_PUBLIC_KEY_PEM,
  }),
  pintopay: (e) => e.PINTOPAY_API_KEY && new PinToPayMerchant({ apiKey: e.PINTOPAY_API_KEY, apiSecret: e.PINTOPAY_API_SECRET }),
  payca: (e) => e.PAYCA_CLIENT_ID && new PayCaClient({ clientId: e.PAYCA_CLIENT_ID, clientSecret: e.PAYCA_CLIENT_SECRET }),
};

/** Your work, once per delivery (here: one log line). Throw to have the provider deliver it again. */
async function onEvent(provider, event) {
  console.log(`handled ${provider} ${event.type} ${event.deliveryKey}`);
}

/** `/webhooks/<provider>` → that provider's handler; made once per environment. */
export function receivers(env) {
  const routes = {};
  for (const [provider, build] of Object.entries(make)) {
    const receiver = build(env);
    if (receiver) routes[provider] = webhookHandler(receiver, (event) => onEvent(provider, event));
  }
  console.log(`receivers (${backend}): ${Object.keys(routes).join(', ') || 'none: set the providers\' variables'}`);
  return async (request) => {
    const provider = new URL(request.url).pathname.match(/^\/webhooks\/([a-z]+)$/)?.[1];
    const handler = provider && Object.hasOwn(routes, provider) ? routes[provider] : undefined;
    if (request.method !== 'POST' || !handler) return new Response('not found', { status: 404 });
    return handler(request);
  };
}
