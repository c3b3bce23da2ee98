// camera.test.js — the demo page's camera mode in Debian's headless Chromium
// (playwright-core), with a fake camera playing build/camera/astronaut.y4m: the face
// box drawn on the overlay lies where TFLite (tfjs-tflite, in Node) finds the face on
// the same frame; the blur toggle changes the pixels of the face (in the canvas and on
// the screen, every time) and nothing far from it; the FPS counter runs; the loader's
// progress events reach the page; the page runs its model in a Worker, sends no request body
// and makes no request at all after the model's shards; a second visit takes the model
// from the loader's cache; a denied or missing camera gets a clear message.
//
// The frame the test expects: the y4m's first frame (I420, BT.601 limited range)
// converted to RGB here, and checked against the pixels the page actually draws.
// The model and the y4m are made by models/make-models.js and scripts/make-y4m.js (both
// idempotent), which this test runs; the first run needs the npm and Debian registries.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { loadPeerModule, PeerModel, peerFloatModel } from '../../bench/peer.js';
import { peerFiles } from '../../bench/node.js';
import { detectFaces, iou } from '../../js/face.js';
import { CHROMIUM, CHROMIUM_ARGS, FAKE_CAMERA_Y4M as Y4M, fakeCameraArgs } from '../../scripts/chromium.js';
import { startServer } from '../../scripts/serve.js';
import { exec, need, needWasm, REPO } from './support.js';

const MODEL_DIR = join(REPO, 'web', 'models', 'face_detection_short_range');
const TIME_LIMIT = { timeout: 120_000 };
const BOX_RGB = [0x00, 0xe5, 0xff]; // BOX_COLOUR and KEYPOINT_COLOUR in web/camera.js
const KEYPOINT_RGB = [0xff, 0x2d, 0x78];

let server, browser, context, page, manifest, frame, reference;
const requests = []; // every request of `context`, in order: {url, method, body}
const pageErrors = [];

// --- What the camera delivers, and where TFLite finds the face in it

/** The first frame of a 4:2:0 YUV4MPEG2 file, as RGB: BT.601 limited range, chroma of each 2x2 block. */
function y4mFirstFrame(path) {
  const file = readFileSync(path);
  const headerEnd = file.indexOf(0x0a);
  const header = file.subarray(0, headerEnd).toString('latin1');
  const width = Number(/ W(\d+)/.exec(header)[1]);
  const height = Number(/ H(\d+)/.exec(header)[1]);
  const start = file.indexOf(0x0a, headerEnd + 1) + 1; // after "FRAME\n"
  const y = file.subarray(start, start + width * height);
  const u = file.subarray(start + width * height);
  const v = file.subarray(start + width * height * 5 / 4);
  const data = new Uint8Array(width * height * 3);
  const clamp = (x) => Math.min(255, Math.max(0, Math.round(x)));
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const c = (row >> 1) * (width / 2) + (col >> 1);
      const luma = 1.164 * (y[row * width + col] - 16);
      const cb = u[c] - 128, cr = v[c] - 128;
      const p = (row * width + col) * 3;
      data[p] = clamp(luma + 1.596 * cr);
      data[p + 1] = clamp(luma - 0.392 * cb - 0.813 * cr);
      data[p + 2] = clamp(luma + 2.017 * cb);
    }
  }
  return { width, height, channels: 3, data };
}

/** face_detection_short_range in TFLite, behind the interface detectFaces() takes. */
async function peerFaceModel() {
  const bytes = Buffer.concat(manifest.shards.map((s) => readFileSync(join(MODEL_DIR, s.hash))));
  const files = peerFiles();
  const { module } = await loadPeerModule(readFileSync(files.glue, 'utf8'), readFileSync(files.wasm));
  const peer = new PeerModel(module, bytes);
  return peerFloatModel(peer, manifest);
}

/** A box normalized to the frame → frame (and canvas) pixels. */
const toPixels = (box) => ({ xMin: box.xMin * frame.width, yMin: box.yMin * frame.height,
  width: box.width * frame.width, height: box.height * frame.height });
const round = (box) => Object.fromEntries(Object.entries(box).map(([k, v]) => [k, Number(v.toFixed(1))]));

async function runScript(script, ...args) {
  const { code, stdout, stderr } = await exec(process.execPath, [join(REPO, script), ...args]);
  assert.equal(code, 0, `${script} failed: ${stderr.trim() || stdout.trim()}`);
}

// --- The page

async function newPage(ctx) {
  const p = await ctx.newPage();
  p.setDefaultTimeout(30_000);
  p.on('pageerror', (err) => pageErrors.push(err));
  return p;
}

const cameraState = (target) => target.evaluate(() => ({
  ...document.querySelector('#camera').dataset,
  message: document.querySelector('#camera-error').textContent,
}));

/** Wait until the camera mode has shown `frames` frames (or failed: then say why). */
async function waitForFrames(target, frames) {
  await target.waitForFunction((n) => {
    const { status, frames: shown } = document.querySelector('#camera').dataset;
    return status === 'error' || Number(shown) >= n;
  }, frames, { timeout: 90_000 });
  const state = await cameraState(target);
  assert.notEqual(state.status, 'error', `the camera mode failed (${state.error}): ${state.message}`);
  return state;
}

const shownFrames = async (target) => Number((await cameraState(target)).frames);

/** RGBA pixels of a canvas of the page, in a rectangle (canvas pixels). */
const canvasPixels = (target, selector, { x, y, width, height }) => target.evaluate(({ selector, x, y, width, height }) =>
  Array.from(document.querySelector(selector).getContext('2d').getImageData(x, y, width, height).data),
{ selector, x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) });

/** RGBA pixels of a rectangle (frame pixels) as the screen shows it: a screenshot of the stage. */
async function screenPixels(target, { x, y, width, height }) {
  const clip = await target.locator('#camera-stage').boundingBox();
  const png = PNG.sync.read(await target.screenshot({ clip }));
  const scale = png.width / frame.width; // the canvases fill the stage, which has the frame's aspect
  const out = [];
  for (let row = Math.round(y * scale); row < Math.round((y + height) * scale); row++) {
    const start = 4 * (row * png.width + Math.round(x * scale));
    out.push(...png.data.subarray(start, start + 4 * Math.round(width * scale)));
  }
  return out;
}

const meanAbsDiff = (a, b) => a.reduce((sum, v, i) => sum + (i % 4 === 3 ? 0 : Math.abs(v - b[i])), 0) / (a.length * 3 / 4);

before(async () => {
  needWasm();
  need(CHROMIUM, 'install Debian\'s chromium package: apt-get install -y chromium');
  await runScript('scripts/make-y4m.js', Y4M);
  await runScript('models/make-models.js', 'face_detection_short_range');
  manifest = JSON.parse(readFileSync(join(MODEL_DIR, 'manifest.json'), 'utf8'));

  frame = y4mFirstFrame(Y4M);
  const peer = await peerFaceModel();
  reference = (await detectFaces(peer, frame)).map((face) => ({ ...face, box: toPixels(face.box) }));
  peer.dispose();
  assert.equal(reference.length, 1, `TFLite finds ${reference.length} faces in the camera frame`);
  console.log(`TFLite on the camera frame: score ${reference[0].score.toFixed(3)}, box (px) ${JSON.stringify(round(reference[0].box))}`);

  server = await startServer({ root: REPO, port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...fakeCameraArgs()] });
  context = await browser.newContext({ permissions: ['camera'], viewport: { width: 1100, height: 1000 } });
  context.on('request', (request) => requests.push({ url: request.url(), method: request.method(), body: request.postDataBuffer() }));
  page = await newPage(context);
  await page.goto(`${server.url}web/`);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the camera mode draws a box where TFLite finds the face on the same frame, with our engine in a Worker', TIME_LIMIT, async () => {
  await waitForFrames(page, 5);
  const shown = await page.evaluate(() => window.__edgeinfer.camera);
  assert.deepEqual([shown.frameWidth, shown.frameHeight], [frame.width, frame.height]);
  assert.deepEqual(shown.modelProgress, { loadedBytes: manifest.totalBytes, totalBytes: manifest.totalBytes, fromCache: false },
    'the loader\'s last progress event');
  assert.ok(page.workers().some((w) => w.url().endsWith('/js/worker.js')), 'no edgeinfer worker in the page');

  // The page draws the frame the test expects (so the reference is computed on it).
  const drawn = await canvasPixels(page, '#camera-frame', { x: 0, y: 0, width: frame.width, height: frame.height });
  const expected = [];
  for (let p = 0; p < frame.width * frame.height; p++) expected.push(...frame.data.subarray(3 * p, 3 * p + 3), 255);
  const frameDiff = meanAbsDiff(drawn, expected);
  assert.ok(frameDiff < 3, `the page's frame differs from the y4m frame by ${frameDiff} on average`);

  // Detected: one face, where TFLite finds it.
  assert.equal(shown.faces.length, 1, JSON.stringify(shown.faces));
  const [ref] = reference;
  const detectedIou = iou(toPixels(shown.faces[0].box), ref.box);

  // Drawn: the overlay's box-coloured pixels outline that box; the keypoints are inside it.
  const { box: drawnBox, keypoints } = await page.evaluate(([boxRgb, keypointRgb]) => {
    const canvas = document.querySelector('#camera-overlay');
    const { data, width, height } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const near = (p, rgb) => data[p + 3] > 200 && rgb.every((c, i) => Math.abs(data[p + i] - c) < 40);
    let xMin = Infinity, yMin = Infinity, xMax = -Infinity, yMax = -Infinity, keypoints = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = 4 * (y * width + x);
        if (near(p, keypointRgb)) keypoints++;
        if (!near(p, boxRgb)) continue;
        xMin = Math.min(xMin, x);
        yMin = Math.min(yMin, y);
        xMax = Math.max(xMax, x + 1);
        yMax = Math.max(yMax, y + 1);
      }
    }
    return { box: xMin === Infinity ? null : { xMin, yMin, width: xMax - xMin, height: yMax - yMin }, keypoints };
  }, [BOX_RGB, KEYPOINT_RGB]);
  assert.ok(drawnBox, 'no box drawn on the overlay');
  const drawnIou = iou(drawnBox, ref.box);
  console.log(`page: box (px) ${JSON.stringify(round(toPixels(shown.faces[0].box)))}, IoU ${detectedIou.toFixed(3)} with ` +
    `TFLite's; drawn box ${JSON.stringify(drawnBox)}, IoU ${drawnIou.toFixed(3)}; frame vs y4m: mean |diff| ${frameDiff.toFixed(2)}`);
  assert.ok(detectedIou >= 0.5, `detected box: IoU ${detectedIou} with TFLite's ${JSON.stringify(ref.box)}`);
  assert.ok(drawnIou >= 0.5, `drawn box ${JSON.stringify(drawnBox)}: IoU ${drawnIou} with TFLite's ${JSON.stringify(ref.box)}`);
  assert.ok(keypoints > 0, 'no keypoint drawn');
});

test('the FPS counter and the inference time run', TIME_LIMIT, async () => {
  const before = await shownFrames(page);
  await page.waitForTimeout(2000);
  await waitForFrames(page, before + 5);
  const stats = await page.locator('#camera-stats').innerText();
  const [, inference, fps] = /^inference ([\d.]+) ms · frame [\d.]+ ms · ([\d.]+) FPS$/.exec(stats) ?? [];
  console.log(`page: ${stats}`);
  assert.ok(Number(fps) > 0, `FPS: "${stats}"`);
  assert.ok(Number(inference) > 0, `inference: "${stats}"`);
});

test('the blur toggle changes the pixels of the face, and none far from it', TIME_LIMIT, async () => {
  await waitForFrames(page, 3);
  const { box } = reference[0];
  const inside = { x: box.xMin + box.width * 0.1, y: box.yMin + box.height * 0.1, width: box.width * 0.8, height: box.height * 0.8 };
  const far = { x: box.xMin, y: frame.height - 100, width: box.width, height: 90 }; // her suit, well below the face
  const read = () => Promise.all([inside, far].map((r) => canvasPixels(page, '#camera-frame', r)));

  const [insideBefore, farBefore] = await read();
  const screenBefore = await screenPixels(page, inside);
  await page.check('#camera-blur');
  await waitForFrames(page, (await shownFrames(page)) + 5);
  const [insideAfter, farAfter] = await read();
  // What the user sees, several times: the face must be blurred on every one.
  const changedOnScreen = [];
  for (let i = 0; i < 5; i++) changedOnScreen.push(meanAbsDiff(screenBefore, await screenPixels(page, inside)));
  await page.uncheck('#camera-blur');
  await waitForFrames(page, (await shownFrames(page)) + 2);
  const [insideOff] = await read();

  const changed = meanAbsDiff(insideBefore, insideAfter);
  console.log(`blur: pixels inside the box change by ${changed.toFixed(1)} on average; on the screen, ` +
    `${changedOnScreen.map((d) => d.toFixed(1)).join(', ')}`);
  assert.ok(changed > 5, `the blur changed the face's pixels by ${changed} on average`);
  assert.ok(changedOnScreen.every((d) => d > 5), `the face on the screen changed by ${changedOnScreen} on average`);
  assert.equal(meanAbsDiff(farBefore, farAfter), 0, 'the blur changed pixels far from the face');
  assert.equal(meanAbsDiff(insideBefore, insideOff), 0, 'the face is still blurred after the toggle is off');
});

test('no request after the model\'s shards while detection runs, none with a body', TIME_LIMIT, async () => {
  const before = await shownFrames(page);
  await page.waitForTimeout(3000);
  assert.ok(await shownFrames(page) > before + 5, 'detection stopped');

  const modelUrls = [new URL('web/models/face_detection_short_range/manifest.json', server.url).href,
    ...manifest.shards.map((s) => new URL(`web/models/face_detection_short_range/${s.hash}`, server.url).href)];
  for (const url of modelUrls) assert.ok(requests.some((r) => r.url === url), `${url} was never requested`);
  const lastModelRequest = requests.findLastIndex((r) => modelUrls.includes(r.url));
  console.log(`${requests.length} requests; the model's (manifest and ${manifest.shards.length} shard(s)) from ` +
    `#${requests.findIndex((r) => modelUrls.includes(r.url)) + 1} to #${lastModelRequest + 1}`);
  assert.deepEqual(requests.slice(lastModelRequest + 1).map((r) => `${r.method} ${r.url}`), [],
    'requests after the model\'s shards');
  for (const r of requests) {
    assert.equal(r.body, null, `${r.method} ${r.url} has a body`);
    assert.ok(r.url.startsWith(server.url), `a request outside the demo server: ${r.url}`);
  }
});

test('a second visit loads the model from the cache, even with its URLs refused; no request while running', TIME_LIMIT, async () => {
  const modelPrefix = `${server.url}web/models/`;
  await page.route(`${modelPrefix}**`, (route) => route.abort('connectionrefused'));
  const before = requests.length;
  await page.reload();
  await waitForFrames(page, 3);
  const shown = await page.evaluate(() => window.__edgeinfer.camera);
  assert.equal(shown.faces.length, 1);
  assert.ok(iou(toPixels(shown.faces[0].box), reference[0].box) >= 0.5);
  assert.equal(shown.modelProgress.fromCache, true);
  assert.deepEqual(requests.slice(before).filter((r) => r.url.startsWith(modelPrefix)).map((r) => r.url), []);
  const running = requests.length;
  await page.waitForTimeout(2000);
  assert.deepEqual(requests.slice(running).map((r) => r.url), [], 'requests while detection runs');
  await page.unroute(`${modelPrefix}**`);
});

test('a denied camera gets a clear message', TIME_LIMIT, async (t) => {
  const denied = await browser.newContext(); // no camera permission: Chromium answers NotAllowedError
  t.after(() => denied.close());
  const p = await newPage(denied);
  await p.goto(`${server.url}web/`);
  await p.waitForFunction(() => document.querySelector('#camera').dataset.status === 'error');
  const state = await cameraState(p);
  assert.equal(state.error, 'camera-denied');
  assert.match(state.message, /^Camera access was denied\. Allow the camera/);
  assert.ok(await p.locator('#camera-error').isVisible());
  assert.equal(await p.locator('#camera-start').innerText(), 'Start camera');
});

test('a missing camera gets a clear message', TIME_LIMIT, async (t) => {
  const noCamera = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  t.after(() => noCamera.close());
  const p = await newPage(await noCamera.newContext({ permissions: ['camera'] }));
  await p.goto(`${server.url}web/`);
  await p.waitForFunction(() => document.querySelector('#camera').dataset.status === 'error');
  const state = await cameraState(p);
  assert.equal(state.error, 'camera-missing');
  assert.match(state.message, /^No camera was found\./);
});

test('no page errors', () => {
  assert.deepEqual(pageErrors.map(String), []);
});
