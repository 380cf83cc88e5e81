// The connection to the node: @polkadot/api over a WebSocket that reconnects by itself, the
// node's own JSON-RPC methods (provenance_*, machines_*, telemetry_*), and small helpers.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { u8aToString, hexToU8a, isHex } from '@polkadot/util';
import { decodeAddress, encodeAddress } from '@polkadot/util-crypto';

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The node's WebSocket URL: `?node=ws://…` or the dev node's default. */
export function nodeUrl(): string {
  const fromQuery = new URLSearchParams(location.search).get('node');
  return fromQuery || 'ws://127.0.0.1:9944';
}

export interface Chain {
  api: ApiPromise;
  provider: WsProvider;
  url: string;
}

/** Connects (and keeps reconnecting every 2 s when the node goes away). */
export async function connect(url: string, onState: (connected: boolean, error?: string) => void): Promise<Chain> {
  const provider = new WsProvider(url, 2_000);
  provider.on('connected', () => onState(true));
  provider.on('disconnected', () => onState(false));
  provider.on('error', () => onState(false, `cannot reach ${url}`));
  const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: false });
  await api.isReady;
  return { api, provider, url };
}

/** One of the node's own RPC methods; rejects with the node's error message. */
export async function rpc(chain: Chain, method: string, params: unknown[] = []): Promise<Json> {
  return chain.provider.send(method, params);
}

/** The DID of an account. */
export const didOf = (address: string): string => `did:twin:${address}`;

/** The SS58 address in a DID (or an address as it is); throws on anything else. */
export function addressOf(text: string): string {
  const t = text.trim();
  const raw = t.startsWith('did:twin:') ? t.slice('did:twin:'.length) : t;
  if (isHex(raw) && raw.length === 66) return encodeAddress(hexToU8a(raw), 42);
  decodeAddress(raw); // throws on a bad address
  return raw;
}

/** A short form of a DID or address for tables. */
export function short(didOrAddress: string): string {
  const a = didOrAddress.replace('did:twin:', '');
  return a.length > 14 ? `${a.slice(0, 6)}…${a.slice(-6)}` : a;
}

/** Bytes (a Vec<u8>/BoundedVec codec) as text. */
export function text(bytes: { toU8a(isBare?: boolean): Uint8Array }): string {
  return u8aToString(bytes.toU8a(true));
}

/** A planck amount as TWIN (12 decimals). */
export function twin(planck: bigint): string {
  const whole = planck / 10n ** 12n;
  const frac = (planck % 10n ** 12n).toString().padStart(12, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac.slice(0, 4)}` : ''} TWIN`;
}

/** A time in ms as local date and time. */
export function when(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { hour12: false });
}

/** Escapes text for HTML. */
export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** An SVG sparkline of `values` (null gaps allowed). */
export function sparkline(values: number[], { width = 160, height = 36, label = '' } = {}): string {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return '<span class="muted">no readings</span>';
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const pts = values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - 4 - ((v - min) / span) * (height - 8)).toFixed(1)}`)
    .join(' ');
  return `<svg class="spark" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}"><polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${pts}"/></svg>`;
}
