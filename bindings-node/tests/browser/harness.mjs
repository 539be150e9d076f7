// A static server for the repository on 127.0.0.1 and Debian's Chromium,
// shared by the browser tests and the browser bench.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = normalize(join(fileURLToPath(new URL('.', import.meta.url)), '../../..'));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.pem': 'text/plain', '.b64': 'text/plain', '.css': 'text/css' };

/** The strict Content-Security-Policy the card reveal runs under. */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

/** A static server for the repository on a loopback port (a second one gives a second origin). */
export async function serve() {
  const server = http.createServer(async (req, res) => {
    const path = normalize(join(ROOT, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!path.startsWith(ROOT)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const data = await readFile(path);
      const headers = { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' };
      // Pages named *.csp.html, and the card frame, are served under the
      // strict policy the README gives for the card reveal: no inline
      // script or style.
      if (path.endsWith('.csp.html') || path.endsWith('/frame.html')) headers['Content-Security-Policy'] = CSP;
      res.writeHead(200, headers).end(data);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

export async function start() {
  const served = await serve();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  });
  return {
    base: served.base,
    browser,
    async close() {
      await browser.close();
      served.close();
    },
  };
}
