// page.js — the benchmark in a browser page (page.html): fetches everything first, then
// runs the same method as in Node (core.js). bench/browser.js calls window.runBench(),
// and window.benchFace() for face detection per camera frame (face-page.js).

import { simdSupported } from '../js/engine.js';
import { benchmark } from './core.js';
import { benchFace } from './face-page.js';

const PEER_DIR = '/node_modules/@tensorflow/tfjs-tflite/wasm/';

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

const fetchBytes = async (url) => new Uint8Array(await (await fetchOk(url)).arrayBuffer());

/**
 * @param {{model: string, input?: string|null, runs?: number, warmupMs?: number, peer?: boolean,
 *   profile?: boolean}} params  URLs of the model and of its input bytes (none: seeded random)
 * @returns {Promise<{result: object, log: string[]}>}
 */
async function runBench({ model, input = null, runs, warmupMs, peer = true, profile = false }) {
  const oursEngine = simdSupported() ? 'edgeinfer-simd.wasm' : 'edgeinfer.wasm';
  const log = [];
  const params = {
    modelBytes: await fetchBytes(model),
    inputs: input ? [await fetchBytes(input)] : null,
    oursWasm: await fetchBytes(`/wasm/${oursEngine}`),
    peer: peer ? {
      glue: await (await fetchOk(`${PEER_DIR}tflite_web_api_cc_simd.js`)).text(),
      wasm: await fetchBytes(`${PEER_DIR}tflite_web_api_cc_simd.wasm`),
    } : null,
    runs, warmupMs, profile, log: (line) => log.push(line),
  };
  const result = await benchmark(params);
  return { result: { ours_engine: oursEngine, timer_isolated: globalThis.crossOriginIsolated === true, ...result }, log };
}

window.runBench = runBench;
window.benchFace = (params) => benchFace({
  ...params,
  peer: params.peer ? { glue: `${PEER_DIR}tflite_web_api_cc_simd.js`, wasm: `${PEER_DIR}tflite_web_api_cc_simd.wasm` } : null,
});

// By hand: page.html?model=URL[&input=URL&runs=N&warmup=MS&peer=0]
const query = new URLSearchParams(location.search);
if (query.has('model')) {
  const out = document.getElementById('result');
  out.textContent = 'running…';
  const number = (name) => (query.has(name) ? Number(query.get(name)) : undefined);
  runBench({
    model: query.get('model'), input: query.get('input'), runs: number('runs'), warmupMs: number('warmup'),
    peer: query.get('peer') !== '0',
  }).then(({ result }) => {
    out.textContent = JSON.stringify(result, null, 2);
  }, (err) => {
    out.textContent = `failed: ${err.message}`;
  });
}
