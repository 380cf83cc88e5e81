// Test harness: starts real `twinchain` processes on free loopback ports, talks to them over
// the standard JSON-RPC, and always cleans up processes and temporary directories.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TARGET =
  process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache', 'twinchain', 'target');
/** The node binary under test: $TWINCHAIN_BIN, else the release build in the shared target dir. */
export const BIN = process.env.TWINCHAIN_BIN || path.join(TARGET, 'release', 'twinchain');

/** Node keys and peer ids of the `local` network (development keys, like Alice's). */
export const LOCAL_NODES = {
  'factory-a': {
    seed: 'alice',
    nodeKey: '1cba511a659d55dd7c5156094d74dda99bf3160f93fec56404257964e994da3d',
    peerId: '12D3KooWATnFCJBwQHbXqkV5aBgjsQHyQzkyUqaNidpdyjMSj4ad',
  },
  'factory-b': {
    seed: 'bob',
    nodeKey: 'b2499bdf0131a713169953559f365693f8978ef00d283edfd222af02447babaa',
    peerId: '12D3KooWAVCugpA7MCBLapCLdn1FxBCTdPBFQBGDn86iyZJU9NRx',
  },
  'supplier-a': {
    seed: 'charlie',
    nodeKey: 'cd76e4cd9e5c458aeee4fd84a99fe5be86ada21051724b2e74778b4630d6573c',
    peerId: '12D3KooWANvcULtz3CX5EewZVkfHZXranKHotomxtb9AzqjBDHMn',
  },
};

/** The `local` network's nodes as a list: { name, seed, nodeKey, peerId }. */
export const LOCAL_MEMBERS = Object.entries(LOCAL_NODES).map(([name, m]) => ({ name, ...m }));

const live = new Set();
const tmpDirs = new Set();
const cleanups = new Set();

function killAll() {
  for (const n of live) {
    try { process.kill(-n.proc.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  for (const f of cleanups) {
    try { f(); } catch { /* best effort */ }
  }
}

/** Runs the synchronous `fn` when the test process exits (after its nodes are killed), unless
 *  the returned function is called first. */
export function atExit(fn) {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killAll(); process.exit(130); });

/** A fresh temporary directory, removed at exit (or by the caller). */
export function tempDir(prefix = 'twinchain-test-') {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.add(d);
  return d;
}

export function removeDir(d) {
  fs.rmSync(d, { recursive: true, force: true });
  tmpDirs.delete(d);
}

/** A TCP port nobody listens on right now. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor(what, fn, timeoutMs = 60_000, everyMs = 500) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/** One JSON-RPC call over HTTP to the node whose RPC listens on `host`:`port`; throws on an RPC error. */
export async function rpcAt(port, method, params = [], host = '127.0.0.1') {
  const res = await fetch(`http://${host}:${port}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

/** With `TWINCHAIN_TEST_LOGS=<dir>`, a disposed process's log is kept there as `name`. */
export function keepLog(file, name) {
  const dir = process.env.TWINCHAIN_TEST_LOGS;
  if (!dir || !file) return;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(file, path.join(dir, name));
  } catch { /* no log */ }
}

/** Runs the node binary to completion (for subcommands); returns { status, stdout, stderr }. */
export function runBin(args, opts = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20, ...opts });
  if (r.error) throw r.error;
  return r;
}

/** A running node process. */
export class Node {
  /** `rpcMethods`: the `--rpc-methods` flag (unsafe by default: tests call author_* methods);
   *  null leaves the node's own default. `netns`: run the process in that network namespace
   *  (its RPC is then reached at `rpcHost`, and it listens for peers on `listen`, the
   *  multiaddresses replacing the default loopback one). */
  constructor({ name, args = [], basePath, keepBasePath = false, rpcMethods = 'unsafe', netns, rpcHost = '127.0.0.1', listen }) {
    this.name = name;
    this.rpcMethods = rpcMethods;
    this.netns = netns;
    this.rpcHost = rpcHost;
    this.listen = listen;
    this.args = args;
    this.basePath = basePath ?? tempDir(`twinchain-${name}-`);
    this.keepBasePath = keepBasePath;
    this.logs = [];
  }

  /** Starts the process on free ports and waits until its RPC answers. */
  async start() {
    this.rpcPort ??= await freePort();
    this.p2pPort ??= await freePort();
    this.promPort ??= await freePort();
    const args = [
      '--base-path', this.basePath,
      '--rpc-port', String(this.rpcPort),
      '--prometheus-port', String(this.promPort),
      ...(this.listen ?? [`/ip4/127.0.0.1/tcp/${this.p2pPort}`]).flatMap((a) => ['--listen-addr', a]),
      '--no-mdns',
      '--no-telemetry',
      ...(this.rpcMethods ? ['--rpc-methods', this.rpcMethods] : []),
      '--name', this.name,
      ...this.args,
    ];
    this.logPath = path.join(this.basePath, `${this.name}.log`);
    const log = fs.openSync(this.logPath, 'a');
    // `ip netns exec` enters the namespace and then executes the node in its own process.
    const [cmd, argv] = this.netns ? ['ip', ['netns', 'exec', this.netns, BIN, ...args]] : [BIN, args];
    this.proc = spawn(cmd, argv, { stdio: ['ignore', log, log], detached: true });
    fs.closeSync(log);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, sig) => resolve({ code, sig })));
    live.add(this);
    const exitedEarly = this.exited.then(({ code, sig }) => {
      throw new Error(`${this.name} exited (code ${code}, signal ${sig}) while starting:\n${this.tail()}`);
    });
    exitedEarly.catch(() => {});
    await Promise.race([
      exitedEarly,
      waitFor(`${this.name} RPC on ${this.rpcHost}:${this.rpcPort}`, async () => (await this.rpc('system_health')) !== undefined, 60_000, 300),
    ]);
    return this;
  }

  /** The last lines of the node's log, for failure messages. */
  tail(lines = 30) {
    try {
      return fs.readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  get wsUrl() { return `ws://${this.rpcHost}:${this.rpcPort}`; }

  /** One JSON-RPC call over HTTP; throws on an RPC error. */
  rpc(method, params = []) { return rpcAt(this.rpcPort, method, params, this.rpcHost); }

  async bestNumber() { return parseInt((await this.rpc('chain_getHeader')).number, 16); }
  /** The canonical block hash at `number` (null if there is none). */
  hashAt(number) { return this.rpc('chain_getBlockHash', [number]); }
  async finalizedHash() { return this.rpc('chain_getFinalizedHead'); }
  async finalizedNumber() {
    const h = await this.rpc('chain_getHeader', [await this.finalizedHash()]);
    return parseInt(h.number, 16);
  }
  async peers() { return (await this.rpc('system_health')).peers; }
  async peerId() { return this.rpc('system_localPeerId'); }

  /** Kills the node (SIGKILL, no shutdown) and waits until it is gone. */
  async kill() {
    process.kill(-this.proc.pid, 'SIGKILL');
    await this.exited;
  }

  /** Stops the node gracefully (SIGINT), then forcibly after `graceMs`. */
  async stop(graceMs = 30_000) {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) {
      live.delete(this);
      return;
    }
    try { process.kill(-this.proc.pid, 'SIGINT'); } catch { /* gone */ }
    const t = setTimeout(() => { try { process.kill(-this.proc.pid, 'SIGKILL'); } catch { /* gone */ } }, graceMs);
    const r = await this.exited;
    clearTimeout(t);
    live.delete(this);
    return r;
  }

  /** Stops the node and removes its base path unless asked to keep it. */
  async dispose() {
    await this.stop();
    keepLog(this.logPath, `${this.name}-${this.rpcPort}.log`);
    if (!this.keepBasePath) removeDir(this.basePath);
  }
}

/** Stops every node in `nodes`, in parallel, never throwing. */
export async function disposeAll(nodes) {
  await Promise.allSettled(nodes.filter(Boolean).map((n) => n.dispose()));
}

/** Each node's finalized block number. */
export function finalizedNumbers(nodes) {
  return Promise.all(nodes.map((n) => n.finalizedNumber()));
}

/**
 * Validators of `chain` on loopback (not started), one per member ({ name, seed, nodeKey, peerId }):
 * each runs with the member's session keys (`--<seed>`) and node key and has every other member
 * as a bootnode.
 */
export async function networkNodes(chain, members = LOCAL_MEMBERS) {
  const ports = await Promise.all(members.map(() => freePort()));
  const boot = members.map((m, i) => `/ip4/127.0.0.1/tcp/${ports[i]}/p2p/${m.peerId}`);
  return members.map((m, i) => {
    const node = new Node({
      name: m.name,
      args: [
        '--chain', chain,
        `--${m.seed}`,
        '--node-key', m.nodeKey,
        ...boot.filter((_, j) => j !== i).flatMap((b) => ['--bootnodes', b]),
      ],
    });
    node.p2pPort = ports[i];
    return node;
  });
}

/** Starts the `local` network's three validators (factory-a, factory-b, supplier-a). */
export async function startLocalNetwork(chain = 'local') {
  const nodes = await networkNodes(chain);
  try {
    await Promise.all(nodes.map((n) => n.start()));
  } catch (e) {
    await disposeAll(nodes);
    throw e;
  }
  return nodes;
}
