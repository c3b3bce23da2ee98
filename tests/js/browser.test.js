// browser.test.js — the demo page (web/) in Debian's headless Chromium, driven with
// playwright-core: it classifies parrot.png like TFLite, builds the golden input tensor
// byte for byte, loads both wasm builds, reports a truncated model as MODEL_INVALID, and
// never sends a request body (the image stays in the page). Browser decoding (PNG, BMP,
// grayscale BMP) gives every golden image tensor of refdata/tflite.
//
// EDGEINFER_SCREENSHOT=path/to/file.png saves a screenshot after the first classification.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.js';
import { REFDATA, REPO, SHARED, assertSameBytes, need, needWasm, readJson } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const MODEL = 'refdata/models/mobilenet_v1_0.25_128_quant.tflite';
const LABELS = 'refdata/imagenet_labels.txt';
const IMAGE = 'refdata/images/parrot.png';
const GOLDEN_DIR = join(REFDATA, 'tflite', 'mobilenet_v1_0.25_128_quant');

let server, context, page, userDataDir;
const requests = [];
const pageErrors = [];

before(async () => {
  needWasm();
  need(CHROMIUM, 'install Debian\'s chromium package: apt-get install -y chromium');
  for (const file of [MODEL, LABELS, IMAGE]) need(join(SHARED, file));
  need(join(GOLDEN_DIR, 'parrot.json'));
  need(join(GOLDEN_DIR, 'parrot.in.bin'));

  server = await startServer({ root: REPO, port: 0, extraRoutes: { '/shared/': SHARED } });
  userDataDir = mkdtempSync(join(tmpdir(), 'edgeinfer-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1100, height: 900 },
  });
  context.on('request', (request) => requests.push(request));
  page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(20_000); // fail fast rather than at playwright's 30 s per wait
  page.on('pageerror', (err) => pageErrors.push(err));
  await page.goto(`${server.url}web/#try-model`); // the camera mode opens by default
});

after(async () => {
  await context?.close();
  await server?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

/** Do something on the page, then wait until the demo has finished the steps it started. */
async function act(action) {
  const section = page.locator('#try-model');
  const serialBefore = Number(await section.getAttribute('data-serial'));
  await action();
  await page.waitForFunction((n) => {
    const s = document.querySelector('#try-model').dataset;
    return Number(s.serial) > n && s.status !== 'working';
  }, serialBefore);
  return section.getAttribute('data-status');
}

async function shownErrors() {
  return (await page.locator('#error').isVisible()) ? page.locator('#error').innerText() : '';
}

async function shownTop1() {
  const row = page.locator('#top5 tbody tr').first();
  return { index: Number(await row.getAttribute('data-index')), label: await row.locator('td.label').innerText() };
}

const golden = () => readJson(join(GOLDEN_DIR, 'parrot.json')).top5[0];

test('the SIMD build classifies parrot.png from picked files like TFLite', async () => {
  await page.waitForSelector('#engine-status[data-variant="simd"]');
  for (const [input, file] of [['#model-file', MODEL], ['#labels-file', LABELS], ['#image-file', IMAGE]]) {
    const status = await act(() => page.setInputFiles(input, join(SHARED, file)));
    assert.equal(status, 'done', `after picking ${file}: ${await shownErrors()}`);
  }
  assert.deepEqual(await shownTop1(), { index: golden().index, label: golden().label });
  assert.equal(await page.locator('#top5 tbody tr').count(), 5);
  assert.match(await page.locator('#inference-time').innerText(), /^inference: \d+\.\d ms$/);
  assert.match(await page.locator('#arena').innerText(), /^arena: [\d.]+ KiB \(\d+ bytes\)$/);
  assert.match(await page.locator('#model-info').innerText(), /\[1, 128, 128, 3\]\s+uint8\s+scale 0.0078125, zero point 128/);
  if (process.env.EDGEINFER_SCREENSHOT) await page.screenshot({ path: process.env.EDGEINFER_SCREENSHOT, fullPage: true });
});

test('the input tensor built in the page equals parrot.in.bin', async () => {
  const bytes = await page.evaluate(() => Array.from(window.__edgeinfer_last_input, (v) => v & 0xff));
  assertSameBytes(Uint8Array.from(bytes), readFileSync(join(GOLDEN_DIR, 'parrot.in.bin')), 'input tensor');
});

// Every golden image input (as classify.test.js checks for the Node decoder), compared
// by the SHA-256 that <image>.prep.json records for the .in.bin.
function goldenImageInputs() {
  const root = join(REFDATA, 'tflite');
  const cases = [];
  for (const model of readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory())) {
    for (const file of readdirSync(join(root, model)).filter((f) => f.endsWith('.prep.json'))) {
      const prep = readJson(join(root, model, file));
      const { name, shape, dtype, layout } = prep.input;
      if (dtype !== 'uint8' || !/^(NHWC RGB|NHW gray)$/.test(layout)) continue;
      cases.push({ what: `${model}/${file}`, url: `/shared/refdata/${prep.image}`, input: { name, shape, dtype }, sha256: prep.in_bin_sha256 });
    }
  }
  return cases;
}

test('browser-decoded images give every golden image tensor', async () => {
  const cases = goldenImageInputs();
  assert.ok(cases.length >= 50, `only ${cases.length} image inputs found`);
  const mismatches = await page.evaluate(async (cases) => {
    const { decodeToImageData, imageDataToImage } = await import('/web/browser-image.js');
    const { imageToTensor } = await import('/js/image.js');
    const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
    const bad = [];
    for (const c of cases) {
      const image = imageDataToImage(await decodeToImageData(await (await fetch(c.url)).blob()));
      const tensor = imageToTensor(image, c.input);
      if (hex(await crypto.subtle.digest('SHA-256', tensor)) !== c.sha256) bad.push(c.what);
    }
    return bad;
  }, cases);
  assert.deepEqual(mismatches, []);
});

test('the scalar build loads and gives the same top-1 (model given by URL)', async () => {
  let status = await act(() => page.selectOption('#engine-select', 'scalar'));
  assert.equal(status, 'done', await shownErrors());
  assert.equal(await page.locator('#engine-status').getAttribute('data-variant'), 'scalar');
  await page.fill('#model-url', `${server.url}shared/${MODEL}`);
  status = await act(() => page.click('#model-url-form button'));
  assert.equal(status, 'done', await shownErrors());
  assert.match(await page.locator('#model-info').innerText(), /engine: scalar/);
  assert.deepEqual(await shownTop1(), { index: golden().index, label: golden().label });
});

test('a truncated model shows a MODEL_INVALID error', async () => {
  const truncated = readFileSync(join(SHARED, MODEL)).subarray(0, 4096);
  const status = await act(() => page.setInputFiles('#model-file',
    { name: 'truncated.tflite', mimeType: 'application/octet-stream', buffer: truncated }));
  assert.equal(status, 'error');
  assert.match(await shownErrors(), /MODEL_INVALID/);
  assert.equal(await page.locator('#top5 tbody tr').count(), 0);
});

test('dropping the model, labels and image together classifies them', async () => {
  const status = await act(() => page.evaluate(async (urls) => {
    const files = await Promise.all(urls.map(async (url) => {
      const blob = await (await fetch(url)).blob();
      return new File([blob], url.split('/').pop(), { type: blob.type });
    }));
    const dataTransfer = new DataTransfer();
    // The image first: the page must still load the model before classifying.
    for (const file of files.reverse()) dataTransfer.items.add(file);
    document.querySelector('#drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer, bubbles: true }));
  }, [MODEL, LABELS, IMAGE].map((file) => `/shared/${file}`)));
  assert.equal(status, 'done', await shownErrors());
  assert.deepEqual(await shownTop1(), { index: golden().index, label: golden().label });
});

test('no request carried a body and all went to the demo server; no page errors', () => {
  assert.ok(requests.length > 0, 'no request was recorded');
  for (const request of requests) {
    assert.equal(request.postDataBuffer(), null, `${request.method()} ${request.url()} has a body`);
    assert.ok(request.url().startsWith(server.url), `request outside the demo server: ${request.url()}`);
  }
  assert.deepEqual(pageErrors.map(String), []);
});
