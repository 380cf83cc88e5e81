// The actors' web app end to end in headless Chromium (Debian's chromium, driven by
// playwright-core) against a dev node serving the simulated factory through mosquitto: place an
// order in the page, watch the product's timeline fill step by step (no reload), open a
// machine's history, custody offered and accepted, a product's QR code scanned with a (fake)
// camera, revoke a credential and see it flip to revoked, telemetry charts, the tasks, an
// unknown DID's error, and the banner while the node is away. Screenshots of each view go to
// tests/screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { waitFor, freePort } from './lib/harness.mjs';
import { devAccounts, machineConsent, schemaId, signAndWait, withDevNode } from './lib/chain.mjs';
import { u8aToHex } from '@polkadot/util';
import { randomAsU8a } from '@polkadot/util-crypto';
import { Keyring } from '@polkadot/keyring';
import { Broker, Simulator, metric } from './lib/mqtt.mjs';
import { serve } from '../web/serve.mjs';
import QRCode from 'qrcode';

/** A one-frame Y4M video (Chromium's fake camera) showing `text` as a QR code. */
function qrVideo(text, file, width = 640, height = 480) {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const scale = Math.floor((Math.min(width, height) - 40) / (n + 8));
  const x0 = Math.floor((width - n * scale) / 2);
  const y0 = Math.floor((height - n * scale) / 2);
  const luma = Buffer.alloc(width * height, 235);
  for (let y = 0; y < n * scale; y++) {
    for (let x = 0; x < n * scale; x++) {
      if (qr.modules.get(Math.floor(y / scale), Math.floor(x / scale))) luma[(y0 + y) * width + x0 + x] = 16;
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), luma, chroma, chroma]));
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(HERE, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const LINE = ['outsourcing', 'oven', 'milling', 'sorting', 'shipping'];

/** Opens the Actions view with development key `who` (Alice, Dave, …) as the signer. */
async function actionsAs(page, base, who) {
  await page.goto(`${base}#/actions`);
  await page.getByTestId('signer').locator('option').nth(5).waitFor({ state: 'attached' });
  await page.getByTestId('signer').selectOption({ label: `${who} (development key)` });
}

test('web app: order in the page, a timeline that fills, machine history, a revoked credential', async (t) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const broker = await new Broker().start();
  const sim = new Simulator(broker.url);
  const server = await serve({ port: await freePort() });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const { node } = await withDevNode(t, {
    name: 'web',
    args: ['--mqtt-broker', broker.url],
    api: false,
    before: async () => { await browser.close(); server.close(); await sim.stop(); },
    after: () => broker.dispose(),
  });
  await waitFor('the node on the broker', async () => (await metric(node.promPort, 'twinchain_mqtt_connected')) === 1, 30_000, 300);
  sim.start();
  await waitFor('the factory\'s telemetry', async () => (await metric(node.promPort, 'twinchain_mqtt_readings_total')) >= 20, 30_000, 300);

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const base = `http://127.0.0.1:${server.address().port}/?node=${encodeURIComponent(node.wsUrl)}`;
  const shot = (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  await t.test('the factory board: the five stations with status and credentialed capabilities', async () => {
    await page.goto(`${base}#/factory`);
    await page.getByTestId('machine').nth(4).waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('machine').count(), 5);
    const oven = page.locator('[data-testid=capability][data-capability=oven]');
    assert.equal(await oven.getAttribute('data-state'), 'valid');
    assert.match(await page.getByTestId('best').innerText(), /^#\d+$/);
  });

  await t.test('a RED order placed in the page, signed with Alice\'s development key', async () => {
    await actionsAs(page, base, 'Alice');
    await page.getByTestId('order-recipe').locator('option').first().waitFor({ state: 'attached', timeout: 30_000 });
    await page.getByTestId('order-recipe').selectOption('1');
    await page.getByTestId('order-colour').selectOption('Red');
    await page.getByTestId('order-submit').click();
    await page.getByTestId('result').filter({ hasText: 'tasks.OrderPlaced' }).waitFor({ timeout: 60_000 });
    await shot('actions');
    await page.getByTestId('new-product').click();
  });

  await t.test('the timeline fills step by step on new blocks, without a reload', async () => {
    const counts = new Set();
    await waitFor('all five steps on the page', async () => {
      const n = await page.getByTestId('step').count();
      counts.add(n);
      return n === LINE.length;
    }, 240_000, 500);
    assert.ok(counts.size >= 3, `the timeline grew in steps (${[...counts].join(', ')})`);
    assert.deepEqual(await page.getByTestId('step-capability').allInnerTexts(), LINE);
    await page.getByTestId('environment').nth(LINE.length - 1).waitFor({ timeout: 120_000 });
    assert.equal(await page.locator('[data-testid=environment] svg polyline').count(), LINE.length, 'a chart per step');
    await page.getByText('Finished').first().waitFor({ timeout: 60_000 });
    await shot('product');
  });

  let productDid; // the product the order made
  await t.test('custody offered and accepted in the page shows in the story', async () => {
    // Custody: Alice offers the product to Dave (a customer), Dave accepts; the story shows it.
    productDid = await page.getByTestId('product-did').innerText();
    const dave = 'did:twin:5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy';
    await actionsAs(page, base, 'Alice');
    await page.getByTestId('custody-product').fill(productDid);
    await page.getByTestId('custody-to').fill(dave);
    await page.getByTestId('custody-offer').click();
    await page.getByTestId('result').filter({ hasText: 'provenance.CustodyOffered' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('signer').selectOption({ label: 'Dave (development key)' });
    await page.getByTestId('custody-accept').click();
    await page.getByTestId('result').filter({ hasText: 'provenance.CustodyTransferred' }).waitFor({ timeout: 60_000 });
    await page.goto(`${base}#/product/${productDid}`);
    await page.getByTestId('custody').first().waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('custody').locator('span').nth(1).getAttribute('title'), dave);
    assert.equal(await page.getByTestId('qr').getAttribute('title'), productDid, 'the page shows the DID as a QR code');
  });

  await t.test('a camera scanning the product\'s QR code opens its story', async () => {
    // Scanning: a camera (Chromium's fake one, showing the product's QR code) opens the story.
    const video = path.join(SHOTS, 'qr.y4m');
    qrVideo(productDid, video);
    const camera = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`] });
    try {
      const phone = await camera.newPage();
      await phone.goto(`${base}#/product`);
      await phone.getByTestId('scan').click();
      await phone.getByTestId('product-did').filter({ hasText: productDid }).waitFor({ timeout: 30_000 });
      assert.ok((await phone.getByTestId('step').count()) === LINE.length);
    } finally {
      await camera.close();
      fs.rmSync(video, { force: true });
    }
  });

  await t.test('a machine\'s history, from the step\'s machine link', async () => {
    await page.locator('[data-testid=step]', { hasText: 'oven' }).getByRole('link').click();
    await page.getByTestId('history-title').waitFor({ timeout: 30_000 });
    assert.ok(await page.getByTestId('history-row').count() >= 3, 'busy and idle again at least');
    assert.ok(await page.locator('.machine.selected [data-testid=history-strip] .seg').count() >= 3);
    await shot('machine');
  });

  await t.test('a credential revoked in the page shows revoked on the board; revoking again fails with the reason', async () => {
    // Charlie, the certifier, revokes the kiln's oven credential: the board shows it revoked.
    const digest = (await page.locator('[data-testid=capability][data-capability=oven]').getAttribute('title')).replace('credential ', '');
    await actionsAs(page, base, 'Charlie');
    await page.getByTestId('revoke-digest').fill(digest);
    await page.getByTestId('revoke-submit').click();
    await page.getByTestId('result').filter({ hasText: 'credentials.' }).waitFor({ timeout: 60_000 });
    // Revoking again fails with the chain's reason in words.
    await page.getByTestId('revoke-submit').click();
    await page.locator('[data-testid=result].error').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('result').innerText(), /credentials\.\w+/);
    await page.goto(`${base}#/factory`);
    await page.locator('[data-testid=capability][data-capability=oven][data-state=revoked]').waitFor({ timeout: 30_000 });
  });

  await t.test('telemetry charts from anchored windows: the environment sensor\'s and the kiln\'s', async () => {
    // (attached, not "visible": a steady metric draws a flat line, which has no height)
    await page.locator('[data-testid=telemetry] svg polyline').nth(1).waitFor({ state: 'attached', timeout: 30_000 });
    assert.match(await page.locator('[data-testid=machine]', { hasText: 'kiln' }).getByTestId('telemetry').innerText(), /kiln_t/);
    await shot('factory');
  });

  await t.test('the tasks view lists the order\'s tasks with rewards', async () => {
    // Tasks: the order's five settled or completed tasks, with rewards.
    await page.goto(`${base}#/tasks`);
    await page.locator('[data-testid=order][data-state=Finished]').waitFor({ timeout: 30_000 });
    assert.ok(await page.getByTestId('task').count() >= 5);
    await shot('tasks');
  });

  await t.test('an unknown DID gets a clear error', async () => {
    await page.goto(`${base}#/product/did:twin:5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw`);
    await page.getByTestId('error').filter({ hasText: 'No product is known' }).waitFor({ timeout: 30_000 });
  });

  await t.test('the node goes away: a banner; it comes back: the banner goes and blocks flow again', async () => {
    await page.goto(`${base}#/factory`);
    await page.getByTestId('machine').first().waitFor({ timeout: 30_000 });
    await node.stop();
    await page.getByTestId('banner').filter({ hasText: 'not reachable' }).waitFor({ timeout: 30_000 });
    await shot('node-away');
    await node.start();
    await page.getByTestId('banner').waitFor({ state: 'hidden', timeout: 60_000 });
    const before = Number((await page.getByTestId('best').innerText()).slice(1));
    await waitFor('new blocks on the page', async () => Number((await page.getByTestId('best').innerText()).slice(1)) > before, 30_000, 500);
  });
  assert.deepEqual(errors, [], 'no uncaught error in the page');
});

test('web app: a product found by its NFC tag, its lot, a credential revoked and a recall live; tasks disputed and confirmed; a machine registered', async (t) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const server = await serve({ port: await freePort() });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const { node, api } = await withDevNode(t, {
    name: 'web-recall',
    args: ['--no-mqtt'],
    before: async () => { await browser.close(); server.close(); },
  });
  const { alice, bob, charlie } = await devAccounts();
  const data = (events, section, name) => events.find(({ event }) => api.events[section][name].is(event)).event.data;

  // Bob supplies a lot, Alice makes a product from it, Charlie certifies the product.
  const lot = data((await signAndWait(api, api.tx.provenance.registerLot('L-WEB-1', 'workpiece blank, white', 10), bob)).events, 'provenance', 'LotRegistered').lot.toNumber();
  const product = data((await signAndWait(api, api.tx.provenance.createProduct({ kind: 'workpiece', colour: 'White', tag: '04c0ffee' }, [lot]), alice)).events, 'provenance', 'ProductCreated').product.toString();
  const schema = await schemaId(api, 'QualityCertificate');
  const certificate = u8aToHex(randomAsU8a(32));
  await signAndWait(api, api.tx.credentials.anchor(certificate, product, schema, null, null, null), charlie);
  await signAndWait(api, api.tx.provenance.attachCredential(product, certificate), charlie);

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const base = `http://127.0.0.1:${server.address().port}/?node=${encodeURIComponent(node.wsUrl)}`;
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });

  await t.test('a product found by its NFC tag (a handheld reader): its lot and a valid credential', async () => {
    await page.goto(`${base}#/product`);
    // A handheld reader types the tag into the focused field and presses Enter.
    await page.getByTestId('product-input').waitFor();
    await page.keyboard.type('04c0ffee\n');
    await page.getByTestId('product-did').filter({ hasText: product }).waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('story').innerText(), /lot \d+: 10 × workpiece blank, white/);
    const credential = page.getByTestId('credential').getByTestId('badge');
    assert.equal(await credential.innerText(), 'valid');
  });

  await t.test('a credential revoked and a lot recalled on chain show on the open page, without a reload', async () => {
    // Revoked and recalled on chain: the open page follows, without a reload.
    await signAndWait(api, api.tx.credentials.revoke(certificate), charlie);
    await page.getByTestId('credential').getByTestId('badge').filter({ hasText: 'revoked' }).waitFor({ timeout: 30_000 });
    await signAndWait(api, api.tx.provenance.recallLot(lot, 'resin contaminated'), bob);
    await page.getByTestId('recall').filter({ hasText: 'resin contaminated' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SHOTS, 'product-recalled.png'), fullPage: true });
  });

  await t.test('tasks hired from the sorting line: one disputed, one confirmed in the page', async () => {
    // Alice hires the sorting line twice (its gateway starts and completes both tasks); in the
    // page she disputes one and confirms the other.
    const gateway = keyring.addFromUri('//Gateway');
    const sld = (await node.rpc('machines_byCapability', ['sorting']))[0].machine.slice('did:twin:'.length);
    const hire = async () => {
      const now = (await api.rpc.chain.getHeader()).number.toNumber();
      const task = data((await signAndWait(api, api.tx.tasks.createTask('sorting', '', null, sld, 10n ** 10n, now + 100, true, null), alice)).events, 'tasks', 'TaskCreated').task.toNumber();
      await signAndWait(api, api.tx.tasks.startTask(task), gateway);
      await signAndWait(api, api.tx.tasks.completeTask(task, 'ok', u8aToHex(randomAsU8a(32))), gateway);
      return task;
    };
    const actOn = async (task, how, event) => {
      await actionsAs(page, base, 'Alice');
      await page.getByTestId('task-id').fill(String(task));
      await page.getByTestId(`task-${how}`).click();
      await page.getByTestId('result').filter({ hasText: event }).waitFor({ timeout: 60_000 });
    };
    const disputed = await hire();
    await actOn(disputed, 'dispute', 'tasks.TaskDisputed');
    const confirmed = await hire();
    await actOn(confirmed, 'confirm', 'tasks.TaskSettled');
    await page.goto(`${base}#/tasks`);
    await page.locator(`[data-testid=task][data-task="${disputed}"][data-state=Disputed]`).waitFor({ timeout: 30_000 });
    await page.locator(`[data-testid=task][data-task="${confirmed}"][data-state=Settled]`).waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('escrow-total').innerText(), /^0\.01 TWIN$/, 'the disputed task\'s reward stays in escrow');
  });

  await t.test('a machine registered in the page appears on the board', async () => {
    // Alice (a manufacturer) registers a machine in the page; the board shows it.
    const mill = keyring.addFromUri('//Web/mill');
    // The machine's consent, signed by its key (the page registers; the machine's key is not in it).
    await signAndWait(api, await machineConsent(api, mill, alice.address), alice);
    await actionsAs(page, base, 'Alice');
    await page.getByTestId('register-machine').fill(`did:twin:${mill.address}`);
    await page.getByTestId('register-model').fill('Web test mill');
    await page.getByTestId('register-serial').fill('W-1');
    await page.getByTestId('register-submit').click();
    await page.getByTestId('result').filter({ hasText: 'machines.MachineRegistered' }).waitFor({ timeout: 60_000 });
    await page.goto(`${base}#/factory`);
    await page.locator('[data-testid=machine]', { hasText: 'Web test mill' }).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('machine').count(), 6);
  });
  assert.deepEqual(errors, []);
});
