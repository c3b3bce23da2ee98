// core.js — the benchmark method, shared by Node (bench/node.js) and the bench page
// (bench/page.js): no file or network access here, the callers pass bytes.
//
// For one model: cold start of each runtime (wasm compile + instantiate, model load +
// prepare, first inference), a warm-up of each by time (V8 first runs wasm compiled by
// Liftoff and tiers hot functions up to TurboFan in the background, so a short warm-up
// measures the wrong code), then timed runs alternating the two runtimes round by round
// (the order flips every round), so load on the machine falls on both. A timed run is
// "write the input bytes, run the model" for each runtime; reading outputs is not timed.

import { loadEngine } from '../js/engine.js';
import { arrayTypeFor } from '../js/interpreter.js';
import { loadPeerModule, PeerModel, argMaxToInt32, fixQuantizedDimensions } from './peer.js';

export const DEFAULT_RUNS = 50;
export const DEFAULT_WARMUP_MS = 3000;
export const RANDOM_SEED = 1;

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const min = (values) => Math.min(...values);

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Input bytes for each model input from a seeded generator: any byte for integer
 * tensors, values in [-1, 1) for float32 ones (random bytes could be NaN).
 */
export function randomInputs(inputInfos, seed = RANDOM_SEED) {
  const next = seededRandom(seed);
  return inputInfos.map((info) => {
    const bytes = new Uint8Array(info.bytes);
    if (info.dtype === 'float32') {
      const floats = new Float32Array(bytes.buffer);
      for (let i = 0; i < floats.length; i++) floats[i] = next() * 2 - 1;
    } else {
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
    }
    return bytes;
  });
}

/** Milliseconds `fn` takes (awaited). */
async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

/** Our engine, with the interface the method needs. */
export class OursModel {
  constructor(interpreter) {
    this.interpreter = interpreter;
  }

  setInputs(list) {
    list.forEach((bytes, i) => this.interpreter.setInput(i, bytes));
  }

  invoke() {
    this.interpreter.invoke();
  }

  outputBytes() {
    return this.interpreter.outputs.map((_, i) => {
      const out = this.interpreter.getOutput(i);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    });
  }

  dispose() {
    this.interpreter.dispose();
  }
}

/** Run `step` repeatedly for at least `ms` milliseconds (and at least once). */
export function warmUp(step, ms) {
  const end = performance.now() + ms;
  let count = 0;
  do {
    step();
    count++;
  } while (performance.now() < end);
  return count;
}

/**
 * `runs` rounds in which each runtime ({step, times}) runs `step` once, timed into its
 * `times`; the order flips every round, so that load on the machine falls on all of them.
 */
export function timeAlternately(runtimes, runs) {
  for (let r = 0; r < runs; r++) {
    for (const rt of r % 2 === 0 ? runtimes : [...runtimes].reverse()) {
      const t0 = performance.now();
      rt.step();
      rt.times.push(performance.now() - t0);
    }
  }
}

/**
 * Elements that differ between our outputs and the peer's, each read as its runtime's
 * dtype (the peer may have int32 where we have int64, see argMaxToInt32); maxAbsDiff is
 * the largest difference between two such elements.
 */
function compareOutputs(oursOutputs, peerOutputs, outputInfos, peerInfos) {
  let differing = 0, total = 0, maxAbsDiff = 0;
  outputInfos.forEach((info, i) => {
    const a = new (arrayTypeFor(info.dtype))(oursOutputs[i].slice().buffer);
    const b = new (arrayTypeFor(peerInfos[i].dtype))(peerOutputs[i].slice().buffer);
    total += a.length;
    if (b.length !== a.length) {
      differing += a.length; // shapes disagree: count every element
      return;
    }
    for (let k = 0; k < a.length; k++) {
      if (Number(a[k]) !== Number(b[k])) {
        differing++;
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(Number(a[k]) - Number(b[k])));
      }
    }
  });
  return { differing, total, maxAbsDiff };
}

/**
 * Time each operator of our engine alone (invokeOp) over `runs` runs, after a warm-up.
 * @returns {{ops: Array<{index, name, inputs, outputs, ms}>, byType: Array<{name, count, ms}>, modelMs: number}}
 */
export function profileOps(interpreter, inputs, { runs = DEFAULT_RUNS, warmupMs = DEFAULT_WARMUP_MS } = {}) {
  const model = new OursModel(interpreter);
  const step = () => {
    model.setInputs(inputs);
    model.invoke();
  };
  warmUp(step, warmupMs);
  const opCount = interpreter.opCount;
  const samples = Array.from({ length: opCount }, () => []);
  const wholeModel = [];
  for (let r = 0; r < runs; r++) {
    model.setInputs(inputs);
    for (let k = 0; k < opCount; k++) {
      const t0 = performance.now();
      interpreter.invokeOp(k);
      samples[k].push(performance.now() - t0);
    }
    const t0 = performance.now();
    step();
    wholeModel.push(performance.now() - t0);
  }
  const shapes = (tensors) => tensors.map((t) => (t < 0 ? null : [...interpreter.tensorInfo(t).shape]));
  const ops = samples.map((times, k) => ({
    index: k,
    name: interpreter.opName(k),
    inputs: shapes(interpreter.opInputs(k)),
    outputs: shapes(interpreter.opOutputs(k)),
    ms: median(times),
  }));
  return { ops, byType: byOpType(ops, ['ms']), modelMs: median(wholeModel) };
}

/**
 * Operators grouped by name: {name, count} and the sum of each of `keys` (times in ms),
 * the largest sum of keys[0] first.
 */
export function byOpType(ops, keys) {
  const types = new Map();
  for (const op of ops) {
    const t = types.get(op.name) ?? { name: op.name, count: 0, ...Object.fromEntries(keys.map((k) => [k, 0])) };
    t.count++;
    for (const k of keys) t[k] += op[k];
    types.set(op.name, t);
  }
  return [...types.values()].sort((a, b) => b[keys[0]] - a[keys[0]]);
}

/**
 * Benchmark one model on our engine and (unless peer is null) on the peer.
 * @param {object} p
 * @param {Uint8Array} p.modelBytes
 * @param {Uint8Array[]|null} p.inputs  bytes per model input; null: seeded random
 * @param {Uint8Array} p.oursWasm  our engine module's bytes
 * @param {{glue: string, wasm: Uint8Array}|null} p.peer  the peer's glue and wasm, or null
 * @param {number} [p.runs]  timed runs per runtime
 * @param {number} [p.warmupMs]  warm-up per runtime
 * @param {boolean} [p.profile]  also time each of our operators
 * @param {(line: string) => void} [p.log]  progress and the peer's own messages
 */
export async function benchmark({ modelBytes, inputs, oursWasm, peer, runs = DEFAULT_RUNS,
  warmupMs = DEFAULT_WARMUP_MS, profile = false, log = () => {} }) {
  const result = {};

  // Cold start, ours.
  const engine = await timed(() => loadEngine({ wasm: oursWasm }));
  const ours = await timed(() => new OursModel(engine.value.createInterpreter(modelBytes)));
  const interpreter = ours.value.interpreter;
  const inputList = inputs ?? randomInputs(interpreter.inputs);
  const oursFirst = await timed(() => {
    ours.value.setInputs(inputList);
    ours.value.invoke();
  });
  Object.assign(result, {
    ours_wasm_ms: engine.ms, ours_load_ms: ours.ms, ours_first_ms: oursFirst.ms,
    inputs: interpreter.inputs.map((t) => ({ dtype: t.dtype, shape: [...t.shape] })),
  });

  // Cold start, peer. When the peer cannot run the model, say why and go on with ours.
  let peerModel = null;
  if (peer) {
    try {
      const peerModule = await loadPeerModule(peer.glue, peer.wasm, (line) => log(`peer: ${line}`));
      result.peer_wasm_ms = peerModule.ms;
      const fixed = fixQuantizedDimensions(modelBytes);
      result.peer_model_patched = fixed.patched;
      const int32 = argMaxToInt32(fixed.bytes);
      if (int32.patched) result.peer_argmax_int32 = int32.patched;
      const loaded = await timed(() => new PeerModel(peerModule.module, int32.bytes, { numThreads: 1 }));
      result.peer_load_ms = loaded.ms;
      const peerFirst = await timed(() => {
        loaded.value.setInputs(inputList);
        loaded.value.invoke();
      });
      result.peer_first_ms = peerFirst.ms;
      peerModel = loaded.value;
    } catch (err) {
      result.peer_error = String(err?.message ?? err);
      log(`the peer failed: ${result.peer_error}`);
    }
  }

  // Warm-up by time, then alternating timed runs.
  const runtimes = [{ name: 'ours', model: ours.value, times: [] }];
  if (peerModel) runtimes.push({ name: 'peer', model: peerModel, times: [] });
  for (const rt of runtimes) {
    rt.step = () => {
      rt.model.setInputs(inputList);
      rt.model.invoke();
    };
    const count = warmUp(rt.step, warmupMs);
    log(`${rt.name}: warmed up with ${count} runs in ${warmupMs} ms`);
  }
  timeAlternately(runtimes, runs);
  const [oursRt, peerRt] = runtimes;
  Object.assign(result, {
    runs, warmup_ms: warmupMs,
    ours_ms: median(oursRt.times), ours_min_ms: min(oursRt.times),
    peer_ms: peerRt ? median(peerRt.times) : null, peer_min_ms: peerRt ? min(peerRt.times) : null,
  });
  result.ratio = peerRt ? result.ours_ms / result.peer_ms : null;

  // Same outputs? (informative: both ran the benchmark input last)
  if (peerModel) {
    const cmp = compareOutputs(ours.value.outputBytes(), peerModel.outputBytes(), interpreter.outputs, peerModel.outputs);
    Object.assign(result, {
      outputs_differing: cmp.differing, outputs_total: cmp.total, outputs_max_abs_diff: cmp.maxAbsDiff,
    });
  }

  if (profile) result.profile = profileOps(interpreter, inputList, { runs, warmupMs });

  peerModel?.dispose();
  ours.value.dispose();
  return result;
}
