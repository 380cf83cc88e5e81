// The load generator (`twinchain-load`, scripts/bench.sh throughput, costs and m2m) at a light
// load: every scenario's extrinsics are signed, submitted, included without failure and followed
// to finality; the report names each extrinsic's weight and fee; the M2M scenario drives the
// factory bridge through mosquitto with commands released on finality and on best blocks; the
// ingest scenario pushes telemetry through mosquitto into anchored windows. It measures nothing here — the
// figures in BENCHMARKS.md come from scripts/bench.sh — it shows the tool works end to end.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, TARGET, freePort, removeDir, tempDir } from './lib/harness.mjs';

const LOAD = path.join(TARGET, 'release', 'twinchain-load');

function run(args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const p = spawn(LOAD, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`timed out:\n${out}`)); }, timeoutMs);
    p.on('exit', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

/** The rows of the step table under the scenario heading `title`. */
function steps(md, title) {
  const section = md.split('#### ').find((s) => s.startsWith(title));
  assert.ok(section, `no section ${title} in\n${md}`);
  const table = section.split('\n\n').find((b) => b.includes('| verdict |'));
  return table.split('\n').slice(2).map((row) => row.split('|').slice(1, -1).map((c) => c.trim()));
}

test('twinchain-load drives transfers, anchors and task lifecycles through a node', async (t) => {
  const dir = tempDir('twinchain-load-test-');
  t.after(() => removeDir(dir));
  const report = path.join(dir, 'report.md');
  const { code, out } = await run([
    '--node', BIN, '--rpc-port', String(await freePort()), '--log-dir', dir,
    '--accounts', '40', '--seconds', '12', '--repeat', '1',
    '--transfer-rates', '20', '--anchor-rates', '10', '--pipelines', '10',
    '--markdown', report, 'transfers', 'anchors', 'tasks',
  ], 300_000);
  assert.equal(code, 0, out);
  const md = fs.readFileSync(report, 'utf8');

  for (const [title, unit] of [['balance transfers', 20], ['telemetry anchors', 10], ['task lifecycles', 10]]) {
    const rows = steps(md, title);
    assert.equal(rows.length, 1, md);
    const [offered, included, lifecycles, , , bestMinusFinalized, verdict] = rows[0];
    assert.equal(Number(offered), unit, md);
    // Everything offered was included without a failure, within three slots.
    assert.equal(verdict, 'sustained', md);
    assert.ok(Number(included) > 0, md);
    // Validators vote for their best block: finality trails by at most two blocks.
    assert.ok(Number(bestMinusFinalized) <= 2, md);
    if (title === 'task lifecycles') assert.ok(Number(lifecycles) >= 10, md);
  }
  // Each extrinsic kind's weight and fee, as the node charges them.
  for (const call of ['balances.transferKeepAlive', 'telemetry.anchorWindow', 'tasks.createTask', 'tasks.confirmTask']) {
    const row = md.split('\n').find((l) => l.startsWith(`| \`${call}`));
    assert.ok(row, `${call} in\n${md}`);
    const [, weight, , fee, perBlock] = row.split('|').slice(1, -1).map((c) => c.trim());
    assert.ok(Number.parseFloat(weight) > 0 && Number.parseFloat(fee) > 0 && Number(perBlock) > 0, row);
  }
  // The light load left the rate scenarios well inside the steady state.
  assert.match(md, /Highest sustained step: 20 xt\/s offered/);
});

test('DID operations are charged and set beside the gas ERC-1056 takes for them', async (t) => {
  const dir = tempDir('twinchain-costs-test-');
  t.after(() => removeDir(dir));
  // The ERC-1056 side: the registry's compiled contract executed in an in-process EVM.
  const gas = spawnSync('node', ['gas.mjs'], { cwd: path.join(import.meta.dirname, '..', 'scripts', 'erc1056'), encoding: 'utf8' });
  assert.equal(gas.status, 0, gas.stderr);
  const figures = JSON.parse(gas.stdout);
  const op = (name) => figures.operations.find((o) => o.op === name);
  for (const name of ['changeOwner', 'addDelegate', 'setAttribute', 'revokeAttribute']) {
    // Every transaction pays the 21,000 base; an identity's first change also stores the block
    // of its last change in a fresh slot (20,000 more than updating it).
    assert.ok(op(name).later > 21_000, name);
    assert.ok(op(name).first - op(name).later >= 15_000, `${name}: ${JSON.stringify(op(name))}`);
  }
  // The relayed signed call recovers the signer on chain: it costs more than the plain one.
  assert.ok(op('setAttributeSigned (relayed)').later > op('setAttribute').later);
  const gasFile = path.join(dir, 'gas.json');
  fs.writeFileSync(gasFile, gas.stdout);

  // The Twinchain side: each operation submitted and read back from its block.
  const report = path.join(dir, 'costs.md');
  const { code, out } = await run([
    '--node', BIN, '--rpc-port', String(await freePort()), '--log-dir', dir,
    '--accounts', '32', '--erc1056', gasFile, '--markdown', report, 'did',
  ], 180_000);
  assert.equal(code, 0, out);
  const md = fs.readFileSync(report, 'utf8');
  const rows = md.split('\n').filter((l) => l.startsWith('| `did.'));
  assert.equal(rows.length, 6, md);
  for (const row of rows) {
    const [, weight, proof, fee, perSecond, , gasCell] = row.split('|').slice(1, -1).map((c) => c.trim());
    const later = Number.parseFloat(weight.split('/')[1]);
    assert.ok(later > 400, row); // at least an extrinsic's fixed cost, in µs
    assert.ok(Number.parseFloat(proof) > 0 && Number.parseFloat(fee.split('/')[1]) > 0, row);
    assert.ok(Number(perSecond) > 0, row);
    // The ERC-1056 counterpart's gas from the measurement above.
    assert.ok(Number(gasCell.split('/')[1]) > 21_000, row);
  }
  assert.match(md, /ethr-did-registry 1\.3\.0/);
});

test('M2M latency: commands on finality never precede it, commands on best blocks do', async (t) => {
  const dir = tempDir('twinchain-m2m-test-');
  t.after(() => removeDir(dir));
  const report = path.join(dir, 'm2m.md');
  // The load generator starts mosquitto and a node per mode and plays the factory's machines.
  const { code, out } = await run([
    '--node', BIN, '--rpc-port', String(await freePort()), '--mqtt-port', String(await freePort()),
    '--log-dir', dir, '--m2m-tasks', '5', '--m2m-work-ms', '500', '--markdown', report, 'm2m',
  ], 480_000);
  assert.equal(code, 0, out);
  const md = fs.readFileSync(report, 'utf8');
  const rows = Object.fromEntries(md.split('\n').filter((l) => /^\| (finalized|best) \|/.test(l))
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim())).map((r) => [r[0], r]));
  for (const mode of ['finalized', 'best']) {
    const [, tasks, command, completed, settled, afterFinality] = rows[mode] ?? assert.fail(`no ${mode} row in\n${md}`);
    assert.equal(Number(tasks), 5, md);
    const p50 = (cell) => Number.parseFloat(cell.split('/')[0]);
    assert.ok(p50(command) > 0 && p50(completed) > 0, md);
    // The reward is paid only after the challenge period that follows the completion.
    assert.ok(p50(settled) > p50(completed), md);
    const [final] = afterFinality.split(' of ').map(Number);
    if (mode === 'finalized') assert.equal(final, 5, `every command after its assignment was final:\n${md}`);
    else assert.ok(final < 5, `commands went out before finality:\n${md}`);
  }
});

test('Ingest: MQTT telemetry through mosquitto is taken, counted and anchored to the last reading', async (t) => {
  const dir = tempDir('twinchain-ingest-test-');
  t.after(() => removeDir(dir));
  const report = path.join(dir, 'ingest.md');
  const { code, out } = await run([
    '--node', BIN, '--rpc-port', String(await freePort()), '--mqtt-port', String(await freePort()),
    '--prometheus-port', String(await freePort()), '--log-dir', dir, '--seconds', '2', '--repeat', '1',
    '--ingest-rates', '1000,2000', '--markdown', report, 'ingest',
  ], 300_000);
  assert.equal(code, 0, out);
  const md = fs.readFileSync(report, 'utf8');
  const rows = md.split('\n').filter((l) => /^\| \d+ \| \d+ \|/.test(l))
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  assert.deepEqual(rows.map((r) => r[0]), ['1000', '2000'], md);
  for (const [, , taken, messages, , refused, cpu, , , , sustained] of rows) {
    assert.equal(sustained, 'yes', md);
    assert.equal(refused, '0', md);
    assert.ok(Number(taken) > 0 && Number(messages) > 0 && Number(cpu) > 0, md);
  }
  // Every message taken (warm-up, ladder, repeat) became a reading in a window anchored on chain.
  const [, readings, anchored] = md.match(/Anchoring: (\d+) readings taken; (\d+) anchored/) ?? assert.fail(md);
  assert.ok(Number(readings) >= 0.99 * (1000 * 3 + 1000 * 2 + 2000 * 2 + 2000 * 2), md);
  assert.equal(anchored, readings, md);
});

test('Scale: state growth per product, step and window, and provenance_trace as products accumulate', async (t) => {
  const dir = tempDir('twinchain-scale-test-');
  t.after(() => removeDir(dir));
  const report = path.join(dir, 'scale.md');
  const { code, out } = await run([
    '--node', BIN, '--rpc-port', String(await freePort()), '--log-dir', dir, '--accounts', '64',
    '--scale-products', '600', '--markdown', report, 'scale',
  ], 480_000);
  assert.equal(code, 0, out);
  const md = fs.readFileSync(report, 'utf8');
  const row = (what) => md.split('\n').find((l) => l.startsWith(`| ${what}`))?.split('|').slice(1, -1).map((c) => c.trim())
    ?? assert.fail(`no row ${what} in\n${md}`);
  // Every item added state in the pallets that hold it: a product its DID and twin, a step its
  // log entry and the machine's index, a window its anchor.
  const bytes = (cell) => Number(cell.match(/^(\d+) B/)?.[1] ?? assert.fail(cell));
  const product = row('product created (no lots)');
  assert.equal(product[1], '64');
  assert.ok(bytes(product[2]) > 100 && /Provenance/.test(product[2]) && /Did/.test(product[2]), md);
  const step = row('process step recorded');
  assert.equal(step[1], '128');
  assert.ok(bytes(step[2]) > 50 && /Provenance/.test(step[2]), md);
  const window = row('telemetry window anchored');
  assert.ok(bytes(window[2]) > 100 && /Telemetry/.test(window[2]), md);
  assert.match(md, /At the end: 600 products on chain/);
  // The same products traced with 64 and with 600 products on chain, each trace checked.
  for (const n of [64, 600]) {
    const [, p50, p95] = row(`with ${n} products on chain`);
    assert.ok(Number(p50) > 0 && Number(p95) >= Number(p50), md);
  }
});
