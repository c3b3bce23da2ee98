// float-model.test.js — the float32 path end to end: MediaPipe's face_detection_short_range
// (float16 weights through DEQUANTIZE, CONV_2D, DEPTHWISE_CONV_2D, ADD, RELU, PAD,
// MAX_POOL_2D, RESHAPE, CONCATENATION) in our engine, scalar and SIMD builds, against the
// same model run by TFLite (tfjs-tflite with XNNPACK, bench/peer.js), on a photo
// (grace_hopper.bmp resized to 128x128, RGB in [-1, 1]) and on a seeded random input.
//
// Agreement, per output: every element within 1e-4 relative,
//     |ours - ref| <= 1e-4 * max(|ref|, 1e-3 * max |ref| over that output),
// so that elements near zero are judged against the output's scale rather than their own
// (a relative error of a value that cancelled to almost nothing means little). The
// largest difference seen is printed. (Today the outputs are bit-identical: the kernels
// add in TFLite's order; the bound leaves room for a different but equally exact order.)
//
// The model is made by models/make-models.js (idempotent; the first run needs the npm
// registry), which now shards it with `edgeinfer shard`: that is checked too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine } from '../../js/engine.js';
import { decodeImage } from '../../js/image-decode.js';
import { resizeBilinear, toRgb } from '../../js/image.js';
import { loadPeerModule, PeerModel } from '../../bench/peer.js';
import { peerFiles } from '../../bench/node.js';
import { REFDATA, REPO, cli, exec, need, needWasm, tempDir } from './support.js';

const MODEL_DIR = join(REPO, 'web', 'models', 'face_detection_short_range');
const RELATIVE = 1e-4;
const FLOOR = 1e-3; // of the output's largest magnitude

async function faceModel() {
  const { code, stdout, stderr } = await exec(process.execPath, [join(REPO, 'models', 'make-models.js'), 'face_detection_short_range']);
  assert.equal(code, 0, `models/make-models.js failed: ${stderr.trim() || stdout.trim()}\n` +
    'the model comes from npm (@mediapipe/face_detection) the first time: run `make models` with the npm registry reachable');
  const manifest = JSON.parse(readFileSync(join(MODEL_DIR, 'manifest.json'), 'utf8'));
  const bytes = Buffer.concat(manifest.shards.map((s) => readFileSync(join(MODEL_DIR, s.hash))));
  return { manifest, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/** grace_hopper.bmp as the model's input: 128x128 RGB, each channel v / 127.5 - 1. */
function photoInput() {
  const image = resizeBilinear(toRgb(decodeImage(readFileSync(need(join(REFDATA, 'images', 'grace_hopper.bmp'))))), 128, 128);
  return Float32Array.from(image.data, (v) => v / 127.5 - 1);
}

/** Seeded values in [-1, 1) (an LCG: the same input on every run). */
function randomInput() {
  const out = new Float32Array(128 * 128 * 3);
  let s = 12345;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** Worst agreement of one output: the largest |ours - ref| and its share of the allowed bound. */
function compare(ours, ref) {
  assert.equal(ours.length, ref.length);
  let scale = 0;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  let maxAbs = 0, worst = 0, at = -1;
  for (let i = 0; i < ref.length; i++) {
    const diff = Math.abs(ours[i] - ref[i]);
    const share = diff / (RELATIVE * Math.max(Math.abs(ref[i]), FLOOR * scale));
    if (!(share <= worst)) {
      worst = share;
      at = i;
    }
    maxAbs = Math.max(maxAbs, diff);
  }
  return { maxAbs, worst, at, scale };
}

test('face_detection_short_range: our engine (scalar and SIMD) agrees with TFLite within 1e-4 relative', async (t) => {
  needWasm();
  const { bytes } = await faceModel();
  const files = peerFiles();
  const { module } = await loadPeerModule(readFileSync(files.glue, 'utf8'), readFileSync(files.wasm));
  const peer = new PeerModel(module, bytes);
  t.after(() => peer.dispose());
  const inputs = { 'grace_hopper.bmp': photoInput(), 'random': randomInput() };
  for (const simd of [false, true]) {
    const engine = await loadEngine({ simd });
    const ours = engine.createInterpreter(bytes);
    t.after(() => ours.dispose());
    assert.deepEqual(ours.inputs.map((i) => [i.dtype, ...i.shape]), [['float32', 1, 128, 128, 3]]);
    assert.deepEqual(ours.outputs.map((o) => [o.name, o.dtype, ...o.shape]),
      [['regressors', 'float32', 1, 896, 16], ['classificators', 'float32', 1, 896, 1]]);
    for (const [name, input] of Object.entries(inputs)) {
      peer.setInputs([new Uint8Array(input.buffer)]);
      peer.invoke();
      const refs = peer.outputBytes().map((b) => new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4));
      const got = ours.run(input);
      ours.outputs.forEach((info, k) => {
        const { maxAbs, worst, at, scale } = compare(got[k], refs[k]);
        console.log(`${simd ? 'simd  ' : 'scalar'} ${name.padEnd(16)} ${info.name.padEnd(14)} largest |ours - TFLite| ` +
          `${maxAbs.toExponential(3)} (max |TFLite| ${scale.toFixed(3)}); ${(100 * worst).toFixed(2)} % of the bound`);
        assert.ok(worst <= 1, `${name}, ${info.name}, element ${at}: ours ${got[k][at]}, TFLite ${refs[k][at]} ` +
          `(${worst.toFixed(2)} times the allowed difference)`);
      });
    }
    console.log(`${simd ? 'simd' : 'scalar'} arena: ${ours.arenaBytes} bytes`);
  }
});

test('the face model\'s float16 weights are folded at load: constants outside the arena', async () => {
  needWasm();
  const { bytes } = await faceModel();
  const engine = await loadEngine({ simd: true });
  const ours = engine.createInterpreter(bytes);
  try {
    const folded = [], activations = [];
    for (let k = 0; k < ours.opCount; k++) {
      (ours.opName(k) === 'DEQUANTIZE' ? folded : activations).push(...ours.opOutputs(k));
    }
    assert.equal(folded.length, 74);
    // The arena starts at the lowest activation (the planner puts the largest buffer at 0).
    const start = Math.min(...activations.map((t) => ours.tensorData(t).byteOffset));
    const end = start + ours.arenaBytes;
    const before = folded.map((t) => ours.tensorData(t).slice());
    for (const [i, t] of folded.entries()) {
      const at = ours.tensorData(t).byteOffset;
      assert.ok(at + before[i].length <= start || at >= end, `DEQUANTIZE output ${t} at ${at}, in the arena [${start}, ${end})`);
    }
    ours.run(randomInput());
    folded.forEach((t, i) => assert.deepEqual(ours.tensorData(t), before[i], `tensor ${t} changed by a run`));
    // The largest activation set is three 64x64x28 float tensors (ADD's inputs and output).
    assert.ok(ours.arenaBytes <= 3 * 64 * 64 * 28 * 4, `arena ${ours.arenaBytes} bytes`);
  } finally {
    ours.dispose();
  }
});

test('`edgeinfer inspect` and `edgeinfer shard` load the float model', async (t) => {
  needWasm();
  await faceModel();
  const model = join(REPO, 'build', 'models', 'face_detection_short_range.tflite');
  const inspect = await cli('inspect', model);
  assert.equal(inspect.code, 0, inspect.stderr);
  assert.match(inspect.stdout, /"regressors" float32 \[1, 896, 16\]/);
  assert.match(inspect.stdout, /DEQUANTIZE 74/);
  const out = tempDir(t);
  const shard = await cli('shard', model, '--out', out, '--name', 'face_detection_short_range');
  assert.equal(shard.code, 0, shard.stderr);
  // The same manifest as the page's (written by models/make-models.js through the same command).
  const page = JSON.parse(readFileSync(join(MODEL_DIR, 'manifest.json'), 'utf8'));
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')), page);
  assert.deepEqual(page.inputs, [{ name: 'input', shape: [1, 128, 128, 3], dtype: 'float32', scale: 0, zeroPoint: 0 }]);
});
