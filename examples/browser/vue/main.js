import { createApp, h } from 'vue';
import { CardDetails } from './CardDetails.js';

// Your back end answers with answerReveal(request, providerData, { provider }).sealed.
const fetchSealed = async (request) =>
  (await fetch('/api/reveal', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request) })).text();

createApp({ render: () => h(CardDetails, { cardId: 'card_123', fetchSealed, onRevealed: () => console.info('revealed') }) }).mount('#root');
