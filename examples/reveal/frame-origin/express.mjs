// The card frame's origin, with Express: serves the npm package's frame
// (frame.html and the four modules it loads) and nothing else, under the
// headers the isolated mode needs. Run it on its own origin (say
// https://cards.example.com) and mount it from the shop's page with
// `cardwire/isolated` (README, "Isolated mode").
//   node examples/reveal/frame-origin/express.mjs [port] [host-origin]
//     -> prints "listening on http://127.0.0.1:PORT"
// host-origin: the shop page's origin, the only one allowed to embed the frame.
import express from 'express';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const port = Number(process.argv[2] ?? 0);
const hostOrigin = process.argv[3] ?? 'https://shop.example.com';
const packageDir = dirname(createRequire(import.meta.url).resolve('cardwire/package.json'));
const FRAME_FILES = new Set(['frame.html', 'frame.mjs', 'card.mjs', 'reveal.mjs', 'error.js']);

const app = express();
app.disable('x-powered-by');
app.use('/cardwire', (req, res, next) => {
  if (!FRAME_FILES.has(req.path.slice(1))) return res.status(404).end();
  res.set({
    // Only this origin's own files; only the shop's page may embed the frame.
    'Content-Security-Policy': `default-src 'self'; frame-ancestors ${hostOrigin}`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  next();
}, express.static(packageDir, { index: false, fallthrough: false }));

const server = app.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
