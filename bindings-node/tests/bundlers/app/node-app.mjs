// A Node app as a serverless bundle sees it: bundled by esbuild with
// --platform=node. Prints the backend and the outcome of one verification.
import { PayCaClient, PayCaPlatform, backend } from 'cardwire';

const p = new PayCaPlatform({ clientId: 'cid', clientSecret: 'payca-secret' });
const c = new PayCaClient({ clientId: 'cid', clientSecret: 'payca-secret' });
const hook = p.signWebhook('card_transaction', { cardId: 'c-1', amount: '12.50' });
const ev = c.verifyWebhook(hook.headers, hook.body);
console.log(`node bundle: backend ${backend}, ${ev.type} ${ev.data.amount}, redelivery duplicate ${c.verifyWebhook(hook.headers, hook.body).duplicate}`);
