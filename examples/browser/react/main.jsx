import { createRoot } from 'react-dom/client';
import { CardDetails } from './CardDetails.jsx';

// Your back end answers with answerReveal(request, providerData, { provider }).sealed.
const fetchSealed = async (request) =>
  (await fetch('/api/reveal', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request) })).text();

createRoot(document.getElementById('root')).render(
  <CardDetails cardId="card_123" fetchSealed={fetchSealed} onRevealed={() => console.info('revealed')} onError={(code) => console.warn(code)} />,
);
