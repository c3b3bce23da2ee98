#!/usr/bin/env node
// browser.js — the benchmark in Debian's headless Chromium (make bench-browser): serves
// the repository, opens bench/page.html in a fresh browser for each model (so that every
// cold start is cold) and runs the same method there; prints the same table as Node.
// Then, in one more fresh browser, face detection per camera frame as the demo's camera
// mode does it, ours against TFLite-wasm (face-page.js); it needs `make models` and
// build/camera/astronaut.png (`make build/camera/astronaut.y4m`).
//
//   node bench/browser.js [--json] [--runs N] [--warmup-ms N] [--no-peer] [--models a,b]
//                         [--no-face | --face-only] [--profile]
//
// The page is made cross-origin isolated (COOP/COEP headers added on the way), which gives
// performance.now() a 5 µs resolution instead of 100 µs: the small models run in < 1 ms.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../scripts/chromium.js';
import { startServer } from '../scripts/serve.js';
import { DEFAULT_RUNS, DEFAULT_WARMUP_MS, RANDOM_SEED } from './core.js';
import { formatProfile, formatTable, jsonLine } from './format.js';
import { BENCH_MODELS, REPO, SHARED, modelFiles, peerFiles, positiveInt } from './node.js';

const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** URL path of a file under `root`, served at `prefix`. */
const urlPath = (prefix, root, file) => prefix + relative(root, file).split(sep).map(encodeURIComponent).join('/');

/** Open bench/page.html in a fresh Chromium, call window[fn](params) there; resolves with its result. */
async function inFreshBrowser(serverUrl, what, fn, params) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'edgeinfer-bench-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
    });
    await context.route(`${serverUrl}**`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), ...ISOLATION_HEADERS } });
    });
    const page = context.pages()[0] ?? await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${serverUrl}bench/page.html`);
    await page.waitForFunction((name) => typeof window[name] === 'function', fn, { timeout: 20_000 });
    const result = await page.evaluate(({ fn, params }) => window[fn](params), { fn, params }).catch((err) => {
      throw new Error(`${what}: ${err.message}${pageErrors.length ? ` (page errors: ${pageErrors.join('; ')})` : ''}`);
    });
    return { browser: context.browser()?.version() ?? '?', result };
  } finally {
    await context?.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

async function benchInBrowser(serverUrl, name, { runs, warmupMs, peer, profile }) {
  const { model, input } = modelFiles(name);
  const params = {
    model: urlPath('/shared/', SHARED, model),
    input: input ? urlPath('/shared/', SHARED, input) : null,
    runs, warmupMs, peer, profile,
  };
  const { browser, result: { result, log } } = await inFreshBrowser(serverUrl, name, 'runBench', params);
  for (const line of log) process.stderr.write(`bench-browser ${name}: ${line}\n`);
  return { browser, result };
}

// --- Face detection per camera frame (the demo's camera mode)

const FACE_MANIFEST = join(REPO, 'web', 'models', 'face_detection_short_range', 'manifest.json');
const ASTRONAUT = join(REPO, 'build', 'camera', 'astronaut.png');

async function benchFaceInBrowser(serverUrl, { runs, warmupMs, peer }) {
  for (const [file, make] of [[FACE_MANIFEST, 'make models'], [ASTRONAUT, 'make build/camera/astronaut.y4m']]) {
    if (!existsSync(file)) throw new Error(`face detection: no ${file}: run \`${make}\` (or pass --no-face)`);
  }
  const params = { manifest: urlPath('/', REPO, FACE_MANIFEST), photo: urlPath('/', REPO, ASTRONAUT), runs, warmupMs, peer };
  const { browser, result } = await inFreshBrowser(serverUrl, 'face detection', 'benchFace', params);
  return { model: JSON.parse(readFileSync(FACE_MANIFEST, 'utf8')).name, env: `chromium ${browser}`, ...result };
}

const ms = (x) => (x === undefined ? '-' : x.toFixed(3));

/** Lines of the face detection table. */
function faceLines(r, peerVersion) {
  const rows = [
    ['ours_worker', 'edgeinfer, in a Worker (as the demo)'],
    ['ours_main', 'edgeinfer, main thread'],
    ['peer', `TFLite-wasm (tfjs-tflite ${peerVersion}, XNNPACK), main thread`],
  ];
  const lines = [
    '',
    `face detection per camera frame: ${r.model}, ${r.env}; a frame = detectFaces() on a ${r.frame} ImageData ` +
      '(letterbox to 128x128, run, decode, weighted NMS)',
    `warm-up ${r.warmup_ms} ms per runtime, then ${r.runs} frames of each, alternating; inference = run() alone ` +
      '(Worker: the round trip)',
    '',
    `${'runtime'.padEnd(64)} ${'frame ms'.padStart(9)} ${'min'.padStart(8)} ${'inference'.padStart(10)}  faces`,
  ];
  for (const [key, label] of rows) {
    if (r.errors[key]) lines.push(`${label.padEnd(64)} failed: ${r.errors[key]}`);
    else if (r[`${key}_ms`] !== undefined) {
      const overlap = r[`${key}_iou_with_peer`];
      lines.push(`${label.padEnd(64)} ${ms(r[`${key}_ms`]).padStart(9)} ${ms(r[`${key}_min_ms`]).padStart(8)} ` +
        `${ms(r[`${key}_inference_ms`]).padStart(10)}  ${r[`${key}_faces`]}` +
        (overlap === undefined ? '' : ` (IoU with TFLite's box ${overlap.toFixed(3)})`));
    }
  }
  if (r.ours_main_ms !== undefined && r.peer_ms !== undefined) {
    lines.push(`ours/peer, main thread: ${(r.ours_main_ms / r.peer_ms).toFixed(2)} per frame, ` +
      `${(r.ours_main_inference_ms / r.peer_inference_ms).toFixed(2)} inference`);
  }
  return lines;
}

async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean' }, runs: { type: 'string' }, 'warmup-ms': { type: 'string' },
      'no-peer': { type: 'boolean' }, models: { type: 'string' }, 'no-face': { type: 'boolean' },
      'face-only': { type: 'boolean' }, profile: { type: 'boolean' },
    },
  });
  const runs = positiveInt(values.runs, 'runs', DEFAULT_RUNS);
  const warmupMs = positiveInt(values['warmup-ms'], 'warmup-ms', DEFAULT_WARMUP_MS, 0);
  const peer = !values['no-peer'];
  const version = peer ? peerFiles().version : null; // also fails early when it is not installed
  const names = values['face-only'] ? [] : values.models ? values.models.split(',') : BENCH_MODELS;
  const server = await startServer({ root: REPO, port: 0, extraRoutes: { '/shared/': SHARED } });
  const results = [];
  try {
    for (const name of names) {
      const load = loadavg();
      const { browser, result } = await benchInBrowser(server.url, name, { runs, warmupMs, peer, profile: values.profile });
      const row = {
        model: name,
        input: modelFiles(name).input ? 'xs1.in.bin' : `random(seed=${RANDOM_SEED})`,
        env: `chromium ${browser}${result.timer_isolated ? '' : ' (timer not isolated: 100 µs resolution)'}`,
        peer_runtime: peer ? `tfjs-tflite ${version} simd, XNNPACK, 1 thread` : null,
        ...result,
        load_avg: load.map((x) => Number(x.toFixed(2))),
      };
      if (values.json) console.log(jsonLine(row));
      results.push(row);
    }
    if (!values.json && results.length > 0) for (const line of formatTable(results)) console.log(line);
    if (!values.json) for (const r of results) if (r.profile) for (const line of formatProfile(r.profile)) console.log(line);
    if (!values['no-face']) {
      const face = await benchFaceInBrowser(server.url, { runs, warmupMs, peer });
      if (values.json) console.log(jsonLine({ ...face, load_avg: loadavg().map((x) => Number(x.toFixed(2))) }));
      else for (const line of faceLines(face, version)) console.log(line);
    }
  } finally {
    await server.close();
  }
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`bench-browser: ${err.message}\n`);
  // Bad arguments (parseArgs's, positiveInt's INVALID_ARGUMENT) exit 2, like ab.js and the CLI.
  process.exitCode = err.code === 'INVALID_ARGUMENT' || String(err.code).startsWith('ERR_PARSE_ARGS') ? 2 : 1;
});
