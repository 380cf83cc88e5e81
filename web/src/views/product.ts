// The product page: enter (or scan) a product DID or NFC tag → its story as a timeline: input
// lots, each process step with machine, time and a small chart of the environment window that
// covers it, custody transfers, quality credentials with their live status, a recall banner.

import { rpc, addressOf, didOf, esc, short, when, sparkline, type Chain, type Json } from '../chain';
import type { View } from '../main';
import { scanQr } from '../scan';
import QRCode from 'qrcode';

/** Mean of `metric` per anchored window of `sensor` around a step (cached: anchored data never changes). */
const charts = new Map<string, string>();

async function environmentChart(chain: Chain, step: Json): Promise<string> {
  const env = step.environment;
  if (!env) return '<span class="muted" data-testid="no-environment">environment window not anchored yet</span>';
  const key = `${env.sensor}@${env.start.ms}`;
  if (!charts.has(key)) {
    const from = Math.max(0, step.start.ms - 60_000);
    const { windows } = await rpc(chain, 'telemetry_windows', [env.sensor, { from, limit: 20 }]);
    const near = windows.filter((w: Json) => w.start.ms <= step.end.ms + 60_000);
    const own = windows.find((w: Json) => w.start.ms === env.start.ms);
    const series = (metric: string) => near.map((w: Json) => w.metrics.find((m: Json) => m.metric === metric)?.mean ?? NaN);
    const summary = (own?.metrics ?? [])
      .filter((m: Json) => ['t', 'h', 'p', 'iaq', 'br'].includes(m.metric))
      .map((m: Json) => `${esc(m.metric)} ${m.mean.toFixed(1)} <span class="muted">(${m.min.toFixed(1)}–${m.max.toFixed(1)})</span>`)
      .join(' · ');
    charts.set(key, `<div class="env" data-testid="environment">
      <div>${sparkline(series('t'), { label: 'temperature around the step' })}<small>°C around the step</small></div>
      <div>${summary}<br><small class="muted">window ${esc(when(env.start.ms))}, ${own?.count ?? '?'} readings, root <code>${esc(env.root.slice(0, 18))}…</code> anchored</small></div>
    </div>`);
  }
  return charts.get(key)!;
}

const badge = (text: string, kind: string) => `<span class="badge ${kind}" data-testid="badge">${esc(text)}</span>`;
const credentialKind = (s: string) => (s === 'valid' ? 'ok' : s === 'revoked' ? 'bad' : 'warn');

export function productView(root: HTMLElement, chain: Chain, arg: string): View {
  root.innerHTML = `<section>
    <h1>Product</h1>
    <form id="lookup" class="row">
      <input name="q" data-testid="product-input" placeholder="did:twin:5… or an NFC tag (04…)" value="${esc(arg)}" size="60" autocomplete="off">
      <button type="submit">Show</button>
      <button type="button" id="scan" data-testid="scan">Scan QR code</button>
    </form>
    <div id="camera" class="camera"></div>
    <div id="story" data-testid="story"></div>
  </section>`;
  const story = root.querySelector<HTMLElement>('#story')!;
  const camera = root.querySelector<HTMLElement>('#camera')!;
  const input = root.querySelector<HTMLInputElement>('input[name=q]')!;
  if (!arg) input.focus(); // a handheld reader types into it
  let scanning: { stop: () => void } | null = null;
  root.querySelector('#scan')!.addEventListener('click', () => {
    if (scanning) {
      scanning.stop();
      scanning = null;
      return;
    }
    const scan = scanQr(camera);
    scanning = scan;
    scan.result
      .then((text) => {
        location.hash = `#/product/${encodeURIComponent(text.trim())}`;
      })
      .catch((e: Error) => {
        story.innerHTML = `<p class="error" data-testid="error">${esc(e.message)}</p>`;
      })
      .finally(() => {
        scanning = null;
      });
  });
  let label = '';
  root.querySelector('form')!.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = (new FormData(e.target as HTMLFormElement).get('q') as string).trim();
    location.hash = `#/product/${encodeURIComponent(q)}`;
  });

  async function resolve(q: string): Promise<string> {
    if (/^(did:twin:)?5[1-9A-HJ-NP-Za-km-z]{40,}$/.test(q) || q.startsWith('0x')) return didOf(addressOf(q));
    const found = await rpc(chain, 'provenance_productByTag', [q]);
    if (!found) throw new Error(`No product carries the tag “${q}”.`);
    return typeof found === 'string' ? found : found.product;
  }

  return {
    async update() {
      if (!arg) {
        story.innerHTML = '<p class="muted">Enter a product DID, or scan its NFC tag.</p>';
        return;
      }
      let trace: Json;
      let did: string;
      try {
        did = await resolve(arg);
        trace = await rpc(chain, 'provenance_trace', [did]);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        story.innerHTML = `<p class="error" data-testid="error">${esc(/unknown|no product|not found/i.test(msg) ? `No product is known as ${arg}.` : msg)}</p>`;
        return;
      }
      const steps: Json[] = trace.steps.items;
      const stepHtml = await Promise.all(steps.map(async (s) => `<li class="step ${s.result.ok ? '' : 'failed'}" data-testid="step">
        <div class="when">${esc(when(s.start.ms))}<br><small>${((s.end.ms - s.start.ms) / 1000).toFixed(1)} s</small></div>
        <div class="what"><b data-testid="step-capability">${esc(s.capability)}</b> ${s.result.ok ? '' : badge('failed', 'bad')}
          by <a href="#/factory/${esc(s.machine)}" title="${esc(s.machine)}">${esc(short(s.machine))}</a>
          ${s.task !== null && s.task !== undefined ? `<small class="muted">task ${esc(s.task)}</small>` : ''}
          ${await environmentChart(chain, s)}
        </div></li>`));
      const recall = trace.recall
        ? `<div class="recall" data-testid="recall">RECALLED: ${esc(trace.recall.reason)} (${esc(when(trace.recall.at.ms))})</div>`
        : trace.lifecycle === 'Recalled' ? '<div class="recall" data-testid="recall">RECALLED</div>' : '';
      if (!label) label = await QRCode.toString(did, { type: 'svg', margin: 1, width: 120 });
      story.innerHTML = `${recall}
        <div class="card product-head"><div class="qr" data-testid="qr" title="${esc(did)}">${label}</div>
          <div><h2>${esc(trace.type.colour ?? '')} ${esc(trace.type.kind)} ${badge(trace.lifecycle, trace.lifecycle === 'Recalled' ? 'bad' : 'ok')}</h2>
          <p><code data-testid="product-did">${esc(did)}</code></p>
          <p>NFC tag ${esc(trace.type.nfcTag ?? '—')} · made by <span title="${esc(trace.manufacturer)}">${esc(short(trace.manufacturer))}</span>
           · custodian <span title="${esc(trace.custodian)}">${esc(short(trace.custodian))}</span> · since ${esc(when(trace.created.ms))}
           ${trace.pendingOffer ? `· custody offered to ${esc(short(trace.pendingOffer.to))}` : ''}</p>
        </div></div>
        <h3>Input lots</h3>
        ${trace.lots.length ? `<ul>${trace.lots.map((l: Json) => `<li>lot ${esc(l.id)}: ${esc(l.quantity)} × ${esc(l.material)} from ${esc(short(l.supplier))} (${esc(l.reference)})${l.recall !== null && l.recall !== undefined ? ' ' + badge('recalled', 'bad') : ''}</li>`).join('')}</ul>` : '<p class="muted">none</p>'}
        <h3>Steps <small class="muted" data-testid="step-count">${steps.length} of ${trace.steps.total}</small></h3>
        <ol class="timeline">${stepHtml.join('') || '<li class="muted">no step yet</li>'}</ol>
        <h3>Custody</h3>
        ${trace.custody.length ? `<ul>${trace.custody.map((c: Json) => `<li data-testid="custody">${esc(when(c.at.ms))}: <span title="${esc(c.from)}">${esc(short(c.from))}</span> → <span title="${esc(c.to)}">${esc(short(c.to))}</span></li>`).join('')}</ul>` : '<p class="muted">with its manufacturer</p>'}
        <h3>Quality credentials</h3>
        ${trace.credentials.length ? `<ul>${trace.credentials.map((c: Json) => `<li data-testid="credential"><code>${esc(c.digest.slice(0, 18))}…</code> by ${esc(short(c.issuer))} ${badge(c.status, credentialKind(c.status))}</li>`).join('')}</ul>` : '<p class="muted">none</p>'}`;
    },
  };
}
