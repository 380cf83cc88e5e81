// Networks for the fault tests: the `local` consortium with a fourth validator at genesis, and a
// network namespace to cut one node off from its peers and join it again.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { base58Decode } from '@polkadot/util-crypto';
import { atExit, runBin } from './harness.mjs';

/** The fourth validator, factory-d: Dave's development session keys and this node key. */
export const DAVE = {
  name: 'factory-d',
  seed: 'dave',
  nodeKey: '6d6f7265646176656e6f64656b65796461766531323334353637383930616263',
  peerId: '12D3KooWQ1hShnzWPxivvSTGc1J5QJTuExcgup4mzgp4PgrEYesZ',
  account: '5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy',
  grandpa: '5ECTwv6cZ5nJQPk6tWfaTrEk8YH2L7X1VT4EL5Tx2ikfFwb7',
};

/**
 * The `local` chain spec with Dave as a fourth validator and authorized node at genesis (so
 * GRANDPA's threshold is 3 of 4 votes), written to `dir`; returns its path.
 */
export function fourValidatorSpec(dir, id = 'twinchain_faults') {
  const r = runBin(['build-spec', '--chain', 'local']);
  assert.equal(r.status, 0, r.stderr);
  const spec = JSON.parse(r.stdout);
  const g = spec.genesis.runtimeGenesis.patch;
  g.session.keys.push([DAVE.account, DAVE.account, { aura: DAVE.account, grandpa: DAVE.grandpa }]);
  g.validatorSet.initialValidators.push(DAVE.account);
  g.nodeAuthorization.nodes.push([Array.from(base58Decode(DAVE.peerId)), DAVE.account]);
  spec.id = id;
  const file = path.join(dir, 'four-validators.json');
  fs.writeFileSync(file, JSON.stringify(spec));
  return file;
}

function ip(...args) {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** False when this process can create network namespaces, else why not (a test's skip reason):
 *  they need root and `ip` from iproute2. */
export function netnsUnavailable() {
  const probe = `twprobe${process.pid}`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return false;
  } catch (e) {
    if (e.code === 'ENOENT') return 'needs `ip` from iproute2 to create network namespaces (scripts/setup.sh installs it)';
    if (process.getuid?.() !== 0) return 'needs root to create network namespaces (ip netns); not running as root';
    return `cannot create a network namespace: ${e.message}`;
  }
}

/**
 * A network namespace joined to this one by two veth links: `peer` (10.201.1.0/30) carries the
 * node's peer-to-peer traffic and is the one cut; `rpc` (10.201.2.0/30) carries only the test's
 * RPC calls, so the cut-off node can still be watched. The host side of each link is `.1`, the
 * namespace side `.2`. Nodes outside listen for peers on `hostPeerAddr`; nothing listens for
 * peers on the RPC link, so the cut-off node has no other way to its peers.
 */
export class Netns {
  constructor(tag = 'a') {
    const id = `${process.pid % 100000}${tag}`;
    this.name = `twinchain-${id}`;
    this.links = { peer: [`twp${id}h`, `twp${id}n`], rpc: [`twr${id}h`, `twr${id}n`] };
    this.hostPeerAddr = '10.201.1.1';
    this.peerAddr = '10.201.1.2';
    this.rpcAddr = '10.201.2.2';
  }

  create() {
    ip('netns', 'add', this.name);
    this.forget = atExit(() => this.destroy());
    ip('netns', 'exec', this.name, 'ip', 'link', 'set', 'lo', 'up');
    for (const [[host, inside], net] of [[this.links.peer, '10.201.1'], [this.links.rpc, '10.201.2']]) {
      ip('link', 'add', host, 'type', 'veth', 'peer', 'name', inside);
      ip('link', 'set', inside, 'netns', this.name);
      ip('addr', 'add', `${net}.1/30`, 'dev', host);
      ip('link', 'set', host, 'up');
      ip('netns', 'exec', this.name, 'ip', 'addr', 'add', `${net}.2/30`, 'dev', inside);
      ip('netns', 'exec', this.name, 'ip', 'link', 'set', inside, 'up');
    }
    return this;
  }

  /** Cuts the peer link: both ends down, so packets are lost both ways. */
  cut() {
    const [host, inside] = this.links.peer;
    ip('netns', 'exec', this.name, 'ip', 'link', 'set', inside, 'down');
    ip('link', 'set', host, 'down');
  }

  /** Joins the peer link again. */
  join() {
    const [host, inside] = this.links.peer;
    ip('link', 'set', host, 'up');
    ip('netns', 'exec', this.name, 'ip', 'link', 'set', inside, 'up');
  }

  /** Removes the namespace; its veth links go with it. */
  destroy() {
    spawnSync('ip', ['netns', 'del', this.name]);
    for (const [host] of Object.values(this.links)) spawnSync('ip', ['link', 'del', host], { stdio: 'ignore' });
    this.forget?.();
  }
}
