// The sandbox's dashboard: polls the admin routes once a second and draws
// requests, webhooks, state and faults. Every value from the sandbox goes
// into the page as text (never as HTML): request paths come from callers.
'use strict';

const $ = (id) => document.getElementById(id);
const seen = new Map();

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'data') for (const [dk, dv] of Object.entries(v)) e.dataset[dk] = dv;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

async function api(method, path, body) {
  const r = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let v;
  try { v = JSON.parse(text); } catch { v = text; }
  if (!r.ok) throw new Error((v && v.error) || text || `HTTP ${r.status}`);
  return v;
}

// Redraws a container only when its data changed; keeps the focused button.
function redraw(key, data, container, draw) {
  const text = JSON.stringify(data);
  if (seen.get(key) === text) return false;
  seen.set(key, text);
  const focused = document.activeElement && container.contains(document.activeElement) ? document.activeElement.dataset.key : undefined;
  container.replaceChildren(...draw(data));
  if (focused) container.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  return true;
}

function requests(list) {
  const only = $('refused-only').checked;
  const rows = list.slice().reverse().filter((r) => !only || r.status >= 400 || r.status === 0);
  $('requests-count').textContent = `(${list.length})`;
  return rows.map((r) => el('tr', { class: r.verdict ? 'refused' : '' },
    el('td', {}, (r.at || '').slice(11, 23)),
    el('td', {}, r.provider),
    el('td', { class: 'path' }, `${r.method} ${r.path}`),
    el('td', { class: 'status' }, r.status === 0 ? 'dropped' : r.status),
    el('td', {}, r.latency_ms),
    el('td', { class: 'verdict' }, r.verdict ?? ''),
    el('td', {}, r.verdict && !r.fault ? el('button', { type: 'button', data: { key: `explain-${r.id}` }, 'aria-label': `Explain request ${r.id}`, onclick: () => explain(r.id) }, 'Explain') : ''),
  ));
}

async function explain(id) {
  try {
    const r = await api('GET', `/_admin/requests/${id}`);
    $('explanation-title').textContent = `Explanation of request ${id}: ${r.method} ${r.path} → ${r.status}`;
    $('explanation-text').textContent = r.explanation ?? r.verdict ?? 'accepted';
  } catch (e) {
    $('explanation-text').textContent = String(e.message);
  }
  $('explanation').hidden = false;
  $('explanation-text').focus();
}

function webhookState(w) {
  if (w.acked) return el('span', { class: 'ok' }, 'acknowledged');
  if (w.done) return el('span', { class: 'bad' }, w.url ? 'failed' : 'no URL');
  return 'retrying';
}

function webhooks(list) {
  $('webhooks-count').textContent = `(${list.length})`;
  return list.slice().reverse().map((w) => el('tr', {},
    el('td', {}, w.id),
    el('td', {}, w.provider),
    el('td', {}, w.event, w.faults?.length ? ` (${w.faults.join(', ')})` : '', w.tampered ? ' (tampered)' : ''),
    el('td', {}, webhookState(w)),
    el('td', {}, w.attempts),
    el('td', {}, w.last_error ?? (w.last_status ?? '')),
    el('td', {},
      el('button', { type: 'button', data: { key: `resend-${w.id}` }, 'aria-label': `Resend webhook ${w.id}`, onclick: () => resend(w.id) }, 'Resend'), ' ',
      el('button', { type: 'button', data: { key: `attempts-${w.id}` }, 'aria-label': `Show the attempts of webhook ${w.id}`, onclick: () => attempts(w.id) }, 'Attempts')),
  ));
}

async function resend(id) {
  try {
    const r = await api('POST', `/_admin/events/${id}/resend`);
    say(`Webhook ${id} resent: ${r.acknowledged ? 'acknowledged' : `not acknowledged (${r.attempt?.error ?? r.attempt?.status})`}`);
  } catch (e) {
    say(`Resend of webhook ${id} failed: ${e.message}`);
  }
  tick();
}

async function attempts(id) {
  const w = await api('GET', `/_admin/events/${id}`);
  $('attempts-title').textContent = `Attempts of webhook ${id} (${w.provider} ${w.event})`;
  $('attempts-list').replaceChildren(...w.history.map((a) => el('li', {},
    `${a.at} ${a.resend ? 'resend ' : ''}→ ${a.status ?? 'no answer'} in ${a.duration_ms} ms${a.error ? `: ${a.error}` : ''}`)));
  if (!w.history.length) $('attempts-list').replaceChildren(el('li', {}, w.next_retry ? `first attempt due ${w.next_retry}` : 'no attempt yet'));
  $('attempts').hidden = false;
  $('attempts-close').focus();
}

function state(s) {
  return Object.entries(s).map(([p, w]) => el('section', { class: 'provider', 'aria-label': `${p} state` },
    el('h3', {}, `${p}: master balance ${w.master_balance}, ${w.cards.length} card${w.cards.length === 1 ? '' : 's'}, ${w.holders.length} holder${w.holders.length === 1 ? '' : 's'}`),
    w.cards.length ? el('table', {},
      el('caption', { class: 'visually-hidden' }, `${p} cards`),
      el('thead', {}, el('tr', {}, ...['Card', 'State', 'Balance', 'Currency', 'Last four', 'Holder'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...w.cards.slice(0, 50).map((c) => el('tr', {},
        el('td', {}, c.id), el('td', {}, c.state), el('td', {}, c.balance), el('td', {}, c.currency), el('td', {}, c.last4), el('td', {}, c.holder ?? ''))))) : null,
  ));
}

function faults(list) {
  if (!list.length) return [el('li', {}, 'No faults: every provider answers as documented.')];
  return list.map((f) => el('li', {},
    `${f.spec} (applied ${f.hits} time${f.hits === 1 ? '' : 's'}) `,
    el('button', { type: 'button', data: { key: `fault-${f.id}` }, 'aria-label': `Remove fault ${f.spec}`, onclick: async () => { await api('DELETE', `/_admin/faults/${f.id}`); tick(); } }, 'Remove')));
}

function say(text) {
  $('status').textContent = text;
}

let last = 0;
async function tick() {
  try {
    const [req, ev, st, fl] = await Promise.all([
      api('GET', '/_admin/requests?limit=200'), api('GET', '/_admin/events'), api('GET', '/_admin/state'), api('GET', '/_admin/faults'),
    ]);
    redraw('requests', [req, $('refused-only').checked], $('requests-body'), ([r]) => requests(r));
    redraw('webhooks', ev.slice(-200), $('webhooks-body'), webhooks);
    redraw('state', st, $('state-body'), state);
    redraw('faults', fl, $('faults-list'), faults);
    if (Date.now() - last > 5000 || $('status').textContent.startsWith('Connecting') || $('status').textContent.startsWith('Lost')) {
      say(`Live: ${req.length} requests, ${ev.length} webhooks, ${fl.length} fault${fl.length === 1 ? '' : 's'}`);
      last = Date.now();
    }
    document.body.dataset.loaded = 'true';
  } catch (e) {
    say(`Lost the sandbox (${e.message}); retrying…`);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('refused-only').addEventListener('change', tick);
  $('explanation-close').addEventListener('click', () => { $('explanation').hidden = true; });
  $('attempts-close').addEventListener('click', () => { $('attempts').hidden = true; });
  $('reset').addEventListener('click', async () => { await api('POST', '/_admin/reset'); say('The world was reset.'); tick(); });
  $('faults-clear').addEventListener('click', async () => { await api('DELETE', '/_admin/faults'); tick(); });
  $('fault-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const route = $('fault-route').value.trim();
    const times = $('fault-times').value.trim();
    const spec = `${$('fault-provider').value}${route ? `/${route.replace(/^\/+/, '')}` : ''}=${$('fault-kind').value}${times ? `,times=${times}` : ''}`;
    try {
      await api('POST', '/_admin/faults', { spec });
      $('fault-error').textContent = '';
      say(`Fault added: ${spec}`);
    } catch (err) {
      $('fault-error').textContent = err.message;
    }
    tick();
  });
  tick();
  setInterval(tick, 1000);
});
