// The factory bridge end to end: a real mosquitto broker, the factory simulator speaking the
// fischertechnik Training Factory 4.0 topics, and a dev node serving the dev chain's demo
// factory. A RED order placed over MQTT runs the whole line by itself; its trace has every step
// with its machine and an anchored environment window; a raw reading's Merkle proof verifies
// against the on-chain root (CLI and an independent check here). An overheating kiln goes into
// maintenance with a paid task; garbage is counted and dropped. Broker and node restarts in the
// middle of an order: it still finishes, every reading the factory published is anchored (and
// none twice), and no command is published twice.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runBin, waitFor, sleep, tempDir, removeDir, freePort } from './lib/harness.mjs';
import { connect, did, withDevNode } from './lib/chain.mjs';
import { Broker, Subscriber, Simulator, publish, leafHash, verifyProof, metric } from './lib/mqtt.mjs';

const COMMAND_TOPICS = ['fl/vgr/do', 'twin/c/vgr'];
const LINE = ['outsourcing', 'oven', 'milling', 'sorting', 'shipping'];

/** Commands seen per task id. */
function commandsPerTask(sub) {
  const counts = new Map();
  for (const m of sub.messages) {
    if (!COMMAND_TOPICS.includes(m.topic) || typeof m.payload !== 'object') continue;
    counts.set(m.payload.task, (counts.get(m.payload.task) ?? 0) + 1);
  }
  return counts;
}

async function stationDid(node, capability) {
  const found = await node.rpc('machines_byCapability', [capability]);
  assert.equal(found.length, 1, `one machine can ${capability}`);
  return found[0].machine;
}

/** Orders a workpiece over MQTT; resolves to the order id and product once on chain. */
async function order(api, broker, colour) {
  const before = (await api.query.tasks.nextOrderId()).toNumber();
  publish(broker.port, 'f/o/order', { ts: new Date().toISOString(), type: colour });
  await waitFor(`the ${colour} order on chain`, async () => (await api.query.tasks.nextOrderId()).toNumber() > before, 120_000, 500);
  const o = (await api.query.tasks.orders(before)).unwrap();
  return { id: before, product: o.product.toString() };
}

/** The product's trace once every step has its environment window. */
async function withEnvironments(node, product) {
  return waitFor('every step has its environment', async () => {
    const tr = await node.rpc('provenance_trace', [did(product)]);
    return tr.steps.items.every((s) => s.environment) && tr;
  }, 120_000, 1000);
}

/** Readings per metric in `machine`'s anchored windows. */
async function anchoredPerMetric(node, machine) {
  const counts = {};
  let from = 0;
  for (;;) {
    const { windows } = await node.rpc('telemetry_windows', [machine, { from, limit: 100 }]);
    for (const w of windows) for (const m of w.metrics) counts[m.metric] = (counts[m.metric] ?? 0) + m.count;
    if (windows.length < 100) return counts;
    from = windows[windows.length - 1].start.ms + 1;
  }
}

async function finished(api, id, what, timeout = 240_000) {
  await waitFor(what, async () => {
    const o = (await api.query.tasks.orders(id)).unwrap();
    assert.ok(!o.state.isFailed, `${what}: the order failed`);
    return o.state.isFinished;
  }, timeout, 1000);
}

test('factory bridge: orders, telemetry, maintenance and garbage over a real broker', async (t) => {
  const broker = await new Broker().start();
  const sub = new Subscriber(broker.port, [...COMMAND_TOPICS, 'fl/+/ack']);
  const sim = new Simulator(broker.url);
  const { node, api } = await withDevNode(t, {
    name: 'factory',
    args: ['--mqtt-broker', broker.url],
    before: async () => { sub.stop(); await sim.stop(); },
    after: () => broker.dispose(),
  });
  sim.start();
  // The simulator's first stock message is in: orders can take a workpiece from it.
  await waitFor('the first telemetry', async () => (await metric(node.promPort, 'twinchain_mqtt_readings_total')) >= 20, 30_000, 300);
  const mpo = await stationDid(node, 'oven');
  const rules = await node.rpc('telemetry_rules', [mpo]);
  assert.deepEqual([rules[0].metric, rules[0].comparison, rules[0].threshold, rules[0].windows], ['kiln_t', 'above', 80, 3]);

  await t.test('a RED order over MQTT runs the line by itself, with environments and provable readings', async () => {
    const { id, product } = await order(api, broker, 'RED');
    await finished(api, id, 'the RED order finishes');
    const trace = await node.rpc('provenance_trace', [did(product)]);
    assert.equal(trace.lifecycle, 'Finished');
    assert.equal(trace.type.colour, 'RED');
    assert.match(trace.type.nfcTag, /^04[0-9a-f]+$/, 'the NFC id of a RED workpiece from the stock');
    assert.deepEqual(trace.steps.items.map((s) => s.capability), LINE);
    for (const s of trace.steps.items) {
      assert.equal(s.machine, await stationDid(node, s.capability), `${s.capability} by its station`);
    }
    // Every command went out exactly once.
    for (const [task, n] of commandsPerTask(sub)) assert.equal(n, 1, `task ${task} commanded ${n} times`);
    // The node signed and submitted the gateway's calls as they came (the order, five starts,
    // five completions and more), not only at the next block's offchain worker run.
    assert.ok(await metric(node.promPort, 'twinchain_gateway_calls_submitted_at_once_total') >= 5);

    // Every step gets the environment sensor's anchored window that overlaps it, checked on chain.
    const traced = await withEnvironments(node, product);
    for (const s of traced.steps.items) {
      const w = await node.rpc('telemetry_window', [s.environment.sensor, s.environment.start.ms]);
      assert.equal(w.root, s.environment.root);
      assert.ok(w.start.ms <= s.end.ms && w.end.ms > s.start.ms, 'the window overlaps the step');
      assert.ok(w.metrics.some((m) => m.metric === 't'), 'BME680 temperature in it');
    }

    // A raw reading proves against the on-chain root: the auditor's CLI…
    const { sensor, start } = traced.steps.items[0].environment;
    const cli = runBin(['telemetry', 'verify', sensor, '--start', String(start.ms), '--index', '1', '--url', node.wsUrl]);
    assert.equal(cli.status, 0, cli.stderr);
    const verified = JSON.parse(cli.stdout);
    assert.equal(verified.verified, true);
    assert.equal(verified.window.root, traced.steps.items[0].environment.root);
    // …and an independent check written from the documented format; a changed value fails.
    const p = await node.rpc('telemetry_proof', [sensor, start.ms, 1]);
    const reading = { metric: p.reading.metric, ms: p.reading.ts.ms, milli: p.reading.milli };
    const root = (await node.rpc('telemetry_window', [sensor, start.ms])).root;
    assert.ok(verifyProof(root, leafHash(sensor.slice('did:twin:'.length), reading), p.proof));
    assert.ok(!verifyProof(root, leafHash(sensor.slice('did:twin:'.length), { ...reading, milli: reading.milli + 1 }), p.proof));
    const missing = runBin(['telemetry', 'verify', sensor, '--start', String(start.ms), '--index', '9999', '--url', node.wsUrl]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no reading 9999/);
  });

  await t.test('garbage is counted and dropped; good messages keep flowing', async () => {
    const dropped = await metric(node.promPort, 'twinchain_mqtt_messages_dropped_total');
    const readings = await metric(node.promPort, 'twinchain_mqtt_readings_total');
    publish(broker.port, 'sim/control', { garbage: 50 });
    await waitFor('50 garbage messages dropped', async () => (await metric(node.promPort, 'twinchain_mqtt_messages_dropped_total')) >= dropped + 50, 30_000, 500);
    for (const reason of ['not_json', 'wrong_type', 'oversize', 'unknown_topic']) {
      assert.ok(await metric(node.promPort, 'twinchain_mqtt_messages_dropped_total', `reason="${reason}"`) > 0, reason);
    }
    await waitFor('readings still taken', async () => (await metric(node.promPort, 'twinchain_mqtt_readings_total')) > readings + 10, 30_000, 500);
    assert.match(node.tail(2000), /dropped a message on [^ ]+: /, 'logged with its topic');
  });

  await t.test('an overheating kiln goes into maintenance with a paid maintenance task', async () => {
    publish(broker.port, 'sim/control', { overheat: true });
    await waitFor('the kiln in maintenance', async () => (await node.rpc('machines_status', [mpo])).status === 'maintenance', 120_000, 1000);
    const tasks = await api.query.tasks.taskRecords.entries();
    const maintenance = tasks.map(([, v]) => v.unwrap()).filter((x) => x.capability.toUtf8() === 'maintenance');
    assert.equal(maintenance.length, 1);
    assert.equal(maintenance[0].reward.toBigInt(), 10n ** 11n, '0.1 TWIN in escrow');
    const rules = await node.rpc('telemetry_rules', [mpo]);
    assert.equal(rules[0].fired, 1);
    publish(broker.port, 'sim/control', { overheat: false });
    await waitFor('a cool kiln window ends the streak', async () => (await node.rpc('telemetry_rules', [mpo]))[0].streak === 0, 60_000, 1000);
  });
});

test('factory bridge: a dev node embeds a broker; a bad factory configuration stops the node', async (t) => {
  const port = await freePort();
  const { node } = await withDevNode(t, { name: 'embedded', args: ['--mqtt-listen', `127.0.0.1:${port}`], api: false });
  publish(port, 'i/ldr', { ts: new Date().toISOString(), br: 81.5, ldr: 1500 });
  publish(port, 'i/ldr', 'not json');
  await waitFor('the reading taken', async () => (await metric(node.promPort, 'twinchain_mqtt_readings_total')) === 2, 20_000, 300);
  assert.equal(await metric(node.promPort, 'twinchain_mqtt_messages_dropped_total', 'reason="not_json"'), 1);

  const dir = tempDir('twinchain-badcfg-');
  t.after(() => removeDir(dir));
  fs.writeFileSync(`${dir}/factory.toml`, 'gateway = "nobody"\n');
  const bad = runBin(['--dev', '--base-path', dir, '--rpc-port', String(await freePort()), '--mqtt-broker', 'mqtt://127.0.0.1:1', '--factory-config', `${dir}/factory.toml`]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr + bad.stdout, /factory configuration: gateway: \\?"nobody\\?": not an SS58 account/);

  // Outside --dev, a factory configuration without the factory's broker does not silently
  // open the unauthenticated embedded one: the node refuses to start and says why.
  const cfg = path.join(dir, 'dev-factory.toml');
  fs.copyFileSync(new URL('../mqtt-offchain-worker/dev-factory.toml', import.meta.url), cfg);
  const local = runBin(['--chain', 'local', '--alice', '--base-path', dir, '--node-key', '1'.padStart(64, '0'), '--rpc-port', String(await freePort()),
    '--port', String(await freePort()), '--factory-config', cfg]);
  assert.notEqual(local.status, 0);
  assert.match(local.stderr + local.stdout, /--factory-config needs --mqtt-broker: .*--mqtt-embedded-broker/);
});

test('factory bridge: with the broker ACLs of docs/factory-bridge.md a machine publishes only as itself', async (t) => {
  // The ACL file is the one the threat model documents, taken from the document itself.
  const doc = fs.readFileSync(new URL('../docs/factory-bridge.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Threat model'));
  const acl = section.slice(section.indexOf('```\n') + 4, section.indexOf('\n```', section.indexOf('```\n') + 4));
  assert.match(acl, /user twinchain-gateway/);
  const users = { hbw: 'hbw-secret', env: 'env-secret', 'twinchain-gateway': 'gw-secret' };
  const broker = await new Broker({ users, acl }).start();
  const { node } = await withDevNode(t, {
    name: 'acl',
    args: ['--mqtt-broker', broker.url, '--mqtt-username', 'twinchain-gateway', '--mqtt-password', users['twinchain-gateway']],
    api: false,
    after: () => broker.dispose(),
  });
  await waitFor('the node on the broker', async () => (await metric(node.promPort, 'twinchain_mqtt_connected')) === 1, 30_000, 300);
  const readings = () => metric(node.promPort, 'twinchain_mqtt_readings_total');
  const ldr = (br) => ({ ts: new Date().toISOString(), br, ldr: 1500 });
  // The sensor's own reading (2 metrics) is taken.
  publish(broker.port, 'i/ldr', ldr(80), { user: 'env', password: users.env });
  await waitFor('the sensor\'s reading', async () => (await readings()) === 2, 20_000, 300);
  // A station forging the sensor's readings, a wrong password and an anonymous client: the
  // broker drops (or refuses) them, the bridge never sees them; the sensor's next one arrives.
  publish(broker.port, 'i/ldr', ldr(1), { user: 'hbw', password: users.hbw });
  assert.throws(() => publish(broker.port, 'i/ldr', ldr(2), { user: 'env', password: 'guess' }), /mosquitto_pub/);
  assert.throws(() => publish(broker.port, 'i/ldr', ldr(3)), /mosquitto_pub/);
  publish(broker.port, 'i/ldr', ldr(81), { user: 'env', password: users.env });
  await waitFor('the sensor\'s second reading', async () => (await readings()) >= 4, 20_000, 300);
  await sleep(1_000);
  assert.equal(await readings(), 4, 'only the sensor\'s own readings were taken');
});

test('factory bridge: TLS (mqtts://) to a broker that checks the node\'s client certificate', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const dir = tempDir('twinchain-tls-');
  const ssl = (...args) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  // A CA, the broker's certificate for 127.0.0.1 and the node's client certificate.
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=twinchain-test-ca');
  for (const [name, ext] of [['server', 'subjectAltName=IP:127.0.0.1'], ['client', 'extendedKeyUsage=clientAuth']]) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    fs.writeFileSync(`${dir}/${name}.ext`, `${ext}\n`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  }
  const port = await freePort();
  const os = await import('node:os');
  fs.writeFileSync(`${dir}/m.conf`, `listener ${port} 127.0.0.1\nallow_anonymous true\ncafile ${dir}/ca.pem\ncertfile ${dir}/server.pem\nkeyfile ${dir}/server.key\nrequire_certificate true\nuser ${os.userInfo().username}\n`);
  const { spawn } = await import('node:child_process');
  const broker = spawn(fs.existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto', ['-c', `${dir}/m.conf`], { stdio: 'ignore', detached: true });
  const { node } = await withDevNode(t, {
    name: 'tls',
    args: ['--mqtt-broker', `mqtts://127.0.0.1:${port}`, '--mqtt-ca-file', `${dir}/ca.pem`, '--mqtt-client-cert', `${dir}/client.pem`, '--mqtt-client-key', `${dir}/client.key`],
    api: false,
    after: () => { try { process.kill(-broker.pid, 'SIGKILL'); } catch { /* gone */ } removeDir(dir); },
  });
  await waitFor('connected over TLS', async () => (await metric(node.promPort, 'twinchain_mqtt_connected')) === 1, 30_000, 300);
  const pub = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '--cafile', `${dir}/ca.pem`, '--cert', `${dir}/client.pem`, '--key', `${dir}/client.key`, '-q', '1', '-t', 'i/ldr', '-m', JSON.stringify({ ts: new Date().toISOString(), br: 80, ldr: 1500 })], { encoding: 'utf8' });
  assert.equal(pub.status, 0, pub.stderr);
  await waitFor('a reading over TLS', async () => (await metric(node.promPort, 'twinchain_mqtt_readings_total')) === 2, 20_000, 300);
});

test('factory bridge: broker and node restarts mid-production lose no reading and publish no command twice', async (t) => {
  const broker = await new Broker().start();
  const sub = new Subscriber(broker.port, [...COMMAND_TOPICS, 'sim/stats']);
  const sim = new Simulator(broker.url);
  const dev = await withDevNode(t, {
    name: 'restarts',
    args: ['--mqtt-broker', broker.url, '-lmqtt=debug,gateway=debug'],
    before: async () => { sub.stop(); await sim.stop(); },
    after: () => broker.dispose(),
  });
  const { node } = dev;
  let { api } = dev;
  // The node's session (and its subscriptions) exist before the factory publishes anything.
  await waitFor('the node on the broker', async () => (await metric(node.promPort, 'twinchain_mqtt_connected')) === 1, 30_000, 300);
  await sleep(1_000);
  sim.start();
  await waitFor('the first stock message', async () => (await metric(node.promPort, 'twinchain_mqtt_readings_total')) >= 20, 30_000, 300);
  const commands = () => sub.messages.filter((m) => COMMAND_TOPICS.includes(m.topic)).length;

  const { id, product } = await order(api, broker, 'RED');
  await waitFor('the first command', async () => commands() >= 1, 120_000, 300);
  // The broker goes away (with what it holds for the node and the simulator) and comes back.
  await broker.stop();
  await sleep(3_000);
  await broker.start();
  await waitFor('the second command', async () => commands() >= 2, 180_000, 300);
  // The node goes away mid-step and comes back; the broker keeps its messages meanwhile.
  await api.disconnect();
  await node.stop();
  await sleep(3_000);
  await node.start();
  api = dev.api = await connect(node.wsUrl); // disconnected at the end by withDevNode
  await finished(api, id, 'the RED order finishes after a broker and a node restart');
  const trace = await withEnvironments(node, product);
  assert.deepEqual(trace.steps.items.map((s) => s.capability), LINE);
  const perTask = commandsPerTask(sub);
  assert.equal(perTask.size, LINE.length, 'a command per step');
  for (const [task, n] of perTask) assert.equal(n, 1, `task ${task} commanded ${n} times`);

  // Every reading the factory published is anchored, once: the simulator stops its sensors and
  // tells how many messages each sensor topic published.
  publish(broker.port, 'sim/control', { sensors: false });
  const stats = await waitFor('the simulator\'s counts', async () => sub.messages.find((m) => m.topic === 'sim/stats')?.payload, 30_000, 300);
  const env = trace.steps.items[0].environment.sensor;
  const mpo = await stationDid(node, 'oven');
  const expected = { t: stats.published['i/bme680'], br: stats.published['i/ldr'], kiln_t: stats.published['sim/mpo/kiln'] };
  assert.ok(expected.t > 50, `the sensors ran (${JSON.stringify(stats)})`);
  let seen;
  await waitFor('every published reading anchored', async () => {
    const [e, m] = [await anchoredPerMetric(node, env), await anchoredPerMetric(node, mpo)];
    seen = { t: e.t, br: e.br, kiln_t: m.kiln_t };
    return seen.t === expected.t && seen.br === expected.br && seen.kiln_t === expected.kiln_t;
  }, 120_000, 2_000).catch((e) => { throw new Error(`${e.message}: anchored ${JSON.stringify(seen)}, published ${JSON.stringify(expected)}`); });
});

test('factory simulator: N factories × M machines, and a disconnect it recovers from', async (t) => {
  const broker = await new Broker().start();
  const sub = new Subscriber(broker.port, ['#']);
  const sim = new Simulator(broker.url, ['--factories', '3', '--extra-machines', '2']);
  t.after(async () => { sub.stop(); await sim.stop(); await broker.dispose(); });
  await sleep(500);
  sim.start();
  const topics = () => new Set(sub.messages.map((m) => m.topic));
  const expected = [];
  for (const prefix of ['', 'f1/', 'f2/']) {
    for (const topic of ['i/bme680', 'i/ldr', 'sim/mpo/kiln', 'f/i/stock', 'f/i/state/mpo', 'sim/m0/power', 'sim/m1/power']) expected.push(prefix + topic);
  }
  await waitFor('every factory\'s and machine\'s topics', async () => expected.every((x) => topics().has(x)), 20_000, 300);
  assert.ok(!topics().has('sim/m2/power'), 'two extra machines, not three');
  const bme = sub.messages.find((m) => m.topic === 'f2/i/bme680').payload;
  assert.equal(typeof bme.t, 'number');
  assert.match(bme.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // A disconnect: the factory goes quiet, then publishes again.
  publish(broker.port, 'sim/control', { disconnect_ms: 3000 });
  await waitFor('the simulator disconnects', async () => sim.logs.join('').includes('disconnecting for 3000 ms'), 10_000, 200);
  const after = sub.messages.length;
  await waitFor('it reconnects and publishes again', async () => sub.messages.slice(after).some((m) => m.topic === 'i/bme680') && (sim.logs.join('').match(/connected to/g) ?? []).length >= 4, 20_000, 300);
});
