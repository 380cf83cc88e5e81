// MQTT test fixtures: a real mosquitto broker on a loopback port, the factory simulator, a
// subscriber that records what is published (mosquitto_sub), and a publisher (mosquitto_pub).

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TARGET, freePort, tempDir, removeDir, waitFor, sleep, keepLog } from './harness.mjs';
import { blake2AsU8a, decodeAddress } from '@polkadot/util-crypto';
import { u8aConcat, hexToU8a, u8aToHex, stringToU8a } from '@polkadot/util';

export const SIM = process.env.FACTORY_SIM_BIN || path.join(TARGET, 'release', 'factory-sim');
const MOSQUITTO = fs.existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';

/** Whether a TCP port accepts connections. */
async function listening(port) {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

/**
 * A mosquitto broker on 127.0.0.1, restartable on the same port. With `users` (name → password)
 * and `acl` (the text of a mosquitto `acl_file`) it authenticates every client and applies the
 * ACLs; without them anyone may publish anything.
 */
export class Broker {
  constructor({ users, acl } = {}) { this.dir = tempDir('twinchain-mosquitto-'); this.users = users; this.acl = acl; }
  async start() {
    this.port ??= await freePort();
    const conf = path.join(this.dir, 'mosquitto.conf');
    let auth = 'allow_anonymous true\n';
    if (this.users) {
      const passwords = path.join(this.dir, 'passwords');
      fs.writeFileSync(passwords, '');
      for (const [user, password] of Object.entries(this.users)) {
        const r = spawnSync('mosquitto_passwd', ['-b', passwords, user, password], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`mosquitto_passwd: ${r.stderr}`);
      }
      fs.writeFileSync(path.join(this.dir, 'acl'), this.acl ?? '');
      auth = `allow_anonymous false\npassword_file ${passwords}\nacl_file ${path.join(this.dir, 'acl')}\n`;
    }
    // Persistent sessions survive a restart (saved on shutdown, and every second).
    fs.writeFileSync(conf, `listener ${this.port} 127.0.0.1\n${auth}persistence true\npersistence_location ${this.dir}/\nautosave_interval 1\nmax_packet_size 1048576\nuser ${os.userInfo().username}\n`);
    this.log = fs.openSync(path.join(this.dir, 'mosquitto.log'), 'a');
    this.proc = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', this.log, this.log], detached: true });
    this.exited = new Promise((r) => this.proc.on('exit', r));
    await waitFor(`mosquitto on ${this.port}`, () => listening(this.port), 10_000, 100);
    return this;
  }
  get url() { return `mqtt://127.0.0.1:${this.port}`; }
  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    try { process.kill(-this.proc.pid, 'SIGTERM'); } catch { /* gone */ }
    const t = setTimeout(() => { try { process.kill(-this.proc.pid, 'SIGKILL'); } catch { /* gone */ } }, 5_000);
    await this.exited;
    clearTimeout(t);
    fs.closeSync(this.log);
    await waitFor('the broker port to close', async () => !(await listening(this.port)), 10_000, 100);
  }
  async dispose() { await this.stop(); keepLog(path.join(this.dir, 'mosquitto.log'), `mosquitto-${this.port}.log`); removeDir(this.dir); }
}

/** Publishes one message (QoS 1), as `auth.user` with `auth.password` if given. */
export function publish(port, topic, message, auth) {
  const login = auth ? ['-u', auth.user, '-P', auth.password] : [];
  const r = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-q', '1', ...login, '-t', topic, '-m', typeof message === 'string' ? message : JSON.stringify(message)], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`mosquitto_pub ${topic}: ${r.stderr}`);
}

/** Records every message on `topics` (reconnecting when the broker restarts). */
export class Subscriber {
  constructor(port, topics) {
    this.messages = [];
    // A persistent session: what is published while it reconnects waits at the broker.
    const args = ['-h', '127.0.0.1', '-p', String(port), '-q', '1', '-v', '-c', '-i', `test-sub-${process.pid}-${Date.now()}`];
    for (const t of topics) args.push('-t', t);
    this.start = () => {
      this.proc = spawn('mosquitto_sub', args, { stdio: ['ignore', 'pipe', 'ignore'] });
      let buf = '';
      this.proc.stdout.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i); buf = buf.slice(i + 1);
          const sp = line.indexOf(' ');
          const topic = line.slice(0, sp);
          let payload = line.slice(sp + 1);
          try { payload = JSON.parse(payload); } catch { /* keep text */ }
          this.messages.push({ topic, payload });
        }
      });
      // mosquitto_sub gives up when its broker goes away: start it again.
      this.proc.on('exit', () => { if (!this.stopped) setTimeout(() => this.start(), 300); });
    };
    this.start();
  }
  stop() { this.stopped = true; try { this.proc.kill('SIGKILL'); } catch { /* gone */ } }
}

/** The factory simulator. */
export class Simulator {
  constructor(brokerUrl, extra = []) { this.args = ['--broker', brokerUrl, '--speed', '0.3', '--sensor-period-ms', '500', ...extra]; }
  start() {
    this.logs = [];
    this.proc = spawn(SIM, this.args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RUST_LOG: 'info' } });
    this.proc.stderr.on('data', (d) => this.logs.push(String(d)));
    this.exited = new Promise((r) => this.proc.on('exit', r));
    return this;
  }
  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill('SIGINT');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(t);
    const dir = process.env.TWINCHAIN_TEST_LOGS;
    if (dir) { fs.mkdirSync(dir, { recursive: true }); fs.writeFileSync(path.join(dir, `factory-sim-${this.proc.pid}.log`), this.logs.join('')); }
  }
}

/** The leaf hash of a reading, written from docs (pallet-telemetry's `merkle` module). */
export function leafHash(machineSs58, { metric, ms, milli }) {
  const m = stringToU8a(metric);
  const le = (v, bytes) => { const out = new Uint8Array(bytes); let x = BigInt.asUintN(bytes * 8, BigInt(v)); for (let i = 0; i < bytes; i++) { out[i] = Number(x & 0xffn); x >>= 8n; } return out; };
  const reading = u8aConcat(new Uint8Array([m.length << 2]), m, le(ms, 8), le(milli, 8));
  return blake2AsU8a(u8aConcat(new Uint8Array([0]), decodeAddress(machineSs58), reading), 256);
}

/** Whether `leaf` with `proof` ([{sibling, left}]) leads to `root` (hex). */
export function verifyProof(root, leaf, proof) {
  let acc = leaf;
  for (const { sibling, left } of proof) {
    const s = hexToU8a(sibling);
    acc = blake2AsU8a(u8aConcat(new Uint8Array([1]), left ? s : acc, left ? acc : s), 256);
  }
  return u8aToHex(acc) === root;
}

/** One Prometheus metric's value (summing label sets), from the node's endpoint. */
export async function metric(promPort, name, labels = '') {
  const text = await (await fetch(`http://127.0.0.1:${promPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith(' ') || rest.startsWith('{'))) continue;
    if (labels && !rest.includes(labels)) continue;
    sum += Number(line.trim().split(/\s+/).pop());
  }
  return sum;
}

export { sleep };
