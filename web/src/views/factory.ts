// The factory board: every machine with its live status, current task, capabilities and the
// validity of the credential behind each, a strip of its recent status changes, and charts of
// its anchored telemetry windows. #/factory/<did> opens one machine's history.

import { rpc, didOf, esc, short, text, when, sparkline, type Chain, type Json } from '../chain';
import type { View } from '../main';

const STATUS_CLASS: Record<string, string> = { idle: 'ok', busy: 'busy', maintenance: 'warn', offline: 'bad', retired: 'muted' };

/** A machine status codec as [name, task?]. */
function status(s: Json): [string, number | null] {
  if (s.isBusy) return ['busy', s.asBusy.toNumber()];
  return [s.type.toLowerCase(), null];
}

/** The state of the credential behind a capability: valid, revoked, suspended, expired, unknown. */
async function credentialState(chain: Chain, digest: string): Promise<string> {
  const [anchor, live] = await Promise.all([
    chain.api.query.credentials.anchors(digest),
    chain.api.call.credentialsApi.credential(digest),
  ]);
  if ((anchor as Json).isNone || (live as Json).isNone) return 'unknown';
  const [, st] = (live as Json).unwrap();
  if (st.revoked.isTrue) return 'revoked';
  if (st.suspended.isTrue) return 'suspended';
  const a = (anchor as Json).unwrap();
  const now = Date.now();
  if (a.validFrom.toNumber() > now || (a.validUntil.isSome && a.validUntil.unwrap().toNumber() <= now)) return 'expired';
  return 'valid';
}

/** How far back the status strip looks. */
const STRIP_MS = 30 * 60_000;

/** The status changes of the last half hour as coloured segments (older ones clipped). */
function historyStrip(history: Json[]): string {
  if (history.length === 0) return '';
  const now = Date.now();
  const start = now - STRIP_MS;
  const span = STRIP_MS;
  const parts = history.map((h: Json, i: number) => {
    const from = Math.max(start, h.at.time.toNumber());
    const to = Math.max(start, i + 1 < history.length ? history[i + 1].at.time.toNumber() : now);
    if (to <= from) return '';
    const [name, task] = status(h.status);
    return `<span class="seg ${STATUS_CLASS[name] ?? ''}" style="width:${(((to - from) / span) * 100).toFixed(2)}%" title="${esc(name)}${task !== null ? ` (task ${task})` : ''} from ${esc(when(from))}"></span>`;
  });
  return `<div class="strip" data-testid="history-strip">${parts.join('')}</div>`;
}

async function telemetryCharts(chain: Chain, did: string): Promise<string> {
  const from = Date.now() - 10 * 60_000;
  const { windows } = await rpc(chain, 'telemetry_windows', [did, { from, limit: 100 }]);
  if (windows.length === 0) return '';
  const all = [...new Set<string>(windows.flatMap((w: Json) => w.metrics.map((m: Json) => m.metric)))];
  const preferred = ['t', 'h', 'p', 'br', 'kiln_t'];
  const metrics = [...all.filter((m) => preferred.includes(m)), ...all.filter((m) => !preferred.includes(m))].slice(0, 4);
  return `<div class="charts" data-testid="telemetry">${metrics
    .map((m) => {
      const means = windows.map((w: Json) => w.metrics.find((x: Json) => x.metric === m)?.mean ?? NaN);
      const last = means[means.length - 1];
      return `<div>${sparkline(means, { width: 120, height: 28, label: m })}<small>${esc(m)} ${Number.isFinite(last) ? last.toFixed(1) : ''}</small></div>`;
    })
    .join('')}<small class="muted">${windows.length} anchored windows, last 10 min</small></div>`;
}

export function factoryView(root: HTMLElement, chain: Chain, arg: string): View {
  root.innerHTML = `<section><h1>Factory</h1><div id="board" class="board" data-testid="board">loading…</div><div id="detail"></div></section>`;
  const board = root.querySelector<HTMLElement>('#board')!;
  const detail = root.querySelector<HTMLElement>('#detail')!;
  const api = chain.api;

  return {
    async update() {
      const entries = await api.query.machines.machineRecords.entries();
      const machines = await Promise.all(
        entries.map(async ([key, value]) => {
          const account = key.args[0].toString();
          const m = (value as Json).unwrap();
          const caps = await api.query.machines.capabilities.entries(account);
          const capabilities = await Promise.all(
            caps.map(async ([k, digest]) => ({ name: text(k.args[1] as Json), state: await credentialState(chain, (digest as Json).unwrap().toHex()), digest: (digest as Json).unwrap().toHex() })),
          );
          const history = ((await api.query.machines.statusHistory(account)) as Json).toArray().map((h: Json) => ({ at: h[0], status: h[1] }));
          return { account, did: didOf(account), m, capabilities, history, charts: await telemetryCharts(chain, didOf(account)) };
        }),
      );
      machines.sort((a, b) => text(a.m.nameplate.model).localeCompare(text(b.m.nameplate.model)));
      board.innerHTML = machines.length === 0 ? '<p class="muted">No machine is registered.</p>' : machines
        .map(({ did, m, capabilities, history, charts }) => {
          const [name, task] = status(m.status);
          return `<article class="machine ${arg === did ? 'selected' : ''}" data-testid="machine" data-did="${esc(did)}">
            <h3><a href="#/factory/${esc(did)}">${esc(text(m.nameplate.model) || short(did))}</a></h3>
            <p><span class="badge ${STATUS_CLASS[name] ?? ''}" data-testid="machine-status">${esc(name)}</span>
              ${task !== null ? `<span data-testid="current-task">task ${task}</span>` : ''}
              <small class="muted">since ${m.statusSince.time.toNumber() === 0 ? 'genesis' : esc(when(m.statusSince.time.toNumber()))}</small></p>
            <p class="caps">${capabilities.map((c) => `<span class="cap ${c.state === 'valid' ? 'ok' : 'bad'}" data-testid="capability" data-capability="${esc(c.name)}" data-state="${esc(c.state)}" title="credential ${esc(c.digest)}">${esc(c.name)}: ${esc(c.state)}</span>`).join(' ') || '<span class="muted">no capability</span>'}</p>
            ${historyStrip(history)}
            ${charts}
            <small class="muted">${esc(text(m.nameplate.manufacturerName))} · serial ${esc(text(m.nameplate.serialNumber))} · ${m.tasksCompleted.toNumber()} done, ${m.tasksFailed.toNumber()} failed, ${m.maintenanceEvents.toNumber()} maintenance</small>
          </article>`;
        })
        .join('');
      const selected = machines.find((x) => x.did === arg);
      if (arg && !selected) {
        detail.innerHTML = `<p class="error" data-testid="error">No machine is known as ${esc(arg)}.</p>`;
      } else if (selected) {
        const rows = [...selected.history].reverse().map((h: Json) => {
          const [name, task] = status(h.status);
          return `<tr data-testid="history-row"><td>${h.at.time.toNumber() === 0 ? 'genesis' : esc(when(h.at.time.toNumber()))}</td><td>#${h.at.block.toNumber()}</td><td><span class="badge ${STATUS_CLASS[name] ?? ''}">${esc(name)}</span></td><td>${task !== null ? `task ${task}` : ''}</td></tr>`;
        });
        detail.innerHTML = `<h2 data-testid="history-title">History of ${esc(text(selected.m.nameplate.model))}</h2><p><code>${esc(selected.did)}</code></p>
          <table class="history"><thead><tr><th>time</th><th>block</th><th>status</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
      } else {
        detail.innerHTML = '';
      }
    },
  };
}
