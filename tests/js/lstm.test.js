// lstm.test.js — keras_lstm_mnist_ptq (int8 UNIDIRECTIONAL_SEQUENCE_LSTM, int16 cell
// state) through both wasm builds: every meta.json run and every dump_xs1 tensor
// byte-identical to TFLM's; the state kept between invocations as TFLite keeps it,
// checked against TFLite itself (tfjs-tflite, bench/peer.js); resetState() on the
// interpreter, the Model and a worker Model; `edgeinfer classify` on mnist_nine.bmp.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { peerFiles } from '../../bench/node.js';
import { loadPeerModule, PeerModel } from '../../bench/peer.js';
import { loadEngine } from '../../js/engine.js';
import { loadModel } from '../../js/index.js';
import { REFDATA, assertSameBytes, cli, modelPath, need, needWasm, readJson } from './support.js';

const MODEL = 'keras_lstm_mnist_ptq';
const REF = join(REFDATA, 'tflm_ref', MODEL);
const LSTM_OUTPUT = 24; // tensor index of the LSTM's output sequence [1, 28, 20]
const STATE_TENSORS = [17, 18]; // its output state (int8) and cell state (int16)

const modelBytes = () => readFileSync(need(modelPath(MODEL)));
const runs = () => readJson(join(REF, 'meta.json')).runs;
const inputOf = (run) => readFileSync(need(join(REF, run.input)));
const goldenOf = (run) => readFileSync(need(join(REF, run.outputs[0].file)));

async function bothBuilds() {
  needWasm();
  const builds = [await loadEngine({ simd: true }), await loadEngine({ simd: false })];
  assert.deepEqual(builds.map((e) => e.variant), ['simd', 'scalar']);
  return builds;
}

test('every meta.json run equals TFLM, from the initial state, in both wasm builds', async () => {
  const list = runs();
  assert.equal(list.length, 8);
  for (const engine of await bothBuilds()) {
    const interpreter = engine.createInterpreter(modelBytes());
    try {
      for (const run of list) {
        interpreter.resetState(); // each golden comes from a freshly loaded model
        const [out] = interpreter.run(inputOf(run));
        assertSameBytes(out, goldenOf(run), `${engine.variant} ${run.input}`);
      }
    } finally {
      interpreter.dispose();
    }
  }
});

// dump_xs1 holds every tensor after TFLM's run on xs1. Tensors no operator produced
// and that are not graph inputs are the LSTM's state: the dump has their final value,
// and they start from zero, so they are compared after the operator instead of fed.
test('dump_xs1: each operator alone on the dumped inputs gives the dumped tensors, state included', async () => {
  const dir = join(REF, 'dump_xs1');
  const { tensors } = readJson(join(dir, 'tensors.json'));
  const dumped = new Map(tensors.filter((t) => t.file).map((t) => [t.index, readFileSync(join(dir, t.file))]));
  const state = tensors.filter((t) => t.file && !t.produced_by_op && !t.graph_input).map((t) => t.index);
  assert.deepEqual(state, STATE_TENSORS);
  for (const engine of await bothBuilds()) {
    const interpreter = engine.createInterpreter(modelBytes());
    try {
      let compared = 0;
      for (let k = 0; k < interpreter.opCount; k++) {
        const inputs = interpreter.opInputs(k).filter((t) => dumped.has(t) && !state.includes(t));
        for (const t of inputs) interpreter.tensorData(t).set(dumped.get(t));
        interpreter.resetState();
        interpreter.invokeOp(k);
        const checked = [...interpreter.opOutputs(k), ...interpreter.opInputs(k).filter((t) => state.includes(t))];
        for (const t of checked) {
          assertSameBytes(interpreter.tensorData(t), dumped.get(t), `${engine.variant} op ${k} ${interpreter.opName(k)} tensor ${t}`);
          compared++;
        }
      }
      assert.equal(compared, 8, 'tensors 16, 24 (and states 17, 18), 25, 26, 27, 28');
    } finally {
      interpreter.dispose();
    }
  }
});

test('dump_xs1: one whole invocation leaves every tensor as TFLM did', async () => {
  const dir = join(REF, 'dump_xs1');
  const { tensors } = readJson(join(dir, 'tensors.json'));
  for (const engine of await bothBuilds()) {
    const interpreter = engine.createInterpreter(modelBytes());
    try {
      interpreter.setInput(0, readFileSync(join(REF, 'xs1.in.bin')));
      // Op by op, each output read right after it is made (later ops may reuse its bytes).
      for (let k = 0; k < interpreter.opCount; k++) {
        interpreter.invokeOp(k);
        for (const t of tensors.filter((d) => d.file && d.produced_by_op?.index === k)) {
          assertSameBytes(interpreter.tensorData(t.index), readFileSync(join(dir, t.file)), `${engine.variant} tensor ${t.index}`);
        }
      }
      for (const t of STATE_TENSORS) {
        assertSameBytes(interpreter.tensorData(t), readFileSync(join(dir, `t${t}.bin`)), `${engine.variant} final state ${t}`);
      }
    } finally {
      interpreter.dispose();
    }
  }
});

test('the state starts at real zero and has bytes of its own in the arena', async () => {
  const [engine] = await bothBuilds();
  const interpreter = engine.createInterpreter(modelBytes());
  try {
    const [h, c] = STATE_TENSORS.map((t) => interpreter.tensorInfo(t));
    assert.deepEqual([h.dtype, c.dtype, h.zeroPoint, c.zeroPoint], ['int8', 'int16', -1, 0]);
    const zero = () => [new Int8Array(20).fill(-1), new Int16Array(20)];
    const bytes = (t) => [...interpreter.tensorData(t)];
    const check = (what) => zero().forEach((z, i) =>
      assert.deepEqual(bytes(STATE_TENSORS[i]), [...new Uint8Array(z.buffer)], `${what}: tensor ${STATE_TENSORS[i]}`));
    check('after loading');
    interpreter.run(inputOf(runs()[0]));
    assert.notDeepEqual(bytes(17), [...new Uint8Array(zero()[0].buffer)], 'a run changes the state');
    interpreter.resetState();
    check('after resetState');
    // No other tensor may share the state's bytes (the planner keeps them alive throughout).
    const range = (t) => {
      const d = interpreter.tensorData(t);
      return d && d.length ? [d.byteOffset, d.byteOffset + d.length] : null;
    };
    for (const s of STATE_TENSORS) {
      const [a, b] = range(s);
      for (let t = 0; t < interpreter.tensorCount; t++) {
        const r = t === s ? null : range(t);
        assert.ok(!r || r[1] <= a || r[0] >= b, `tensor ${t} overlaps state tensor ${s}`);
      }
    }
  } finally {
    interpreter.dispose();
  }
});

// --- Against TFLite (tfjs-tflite: the TFLite C++ interpreter in wasm; XNNPACK does not
// take the LSTM, so TFLite's builtin integer LSTM kernel runs it).

let peerModule = null;
async function tflite(bytes) {
  if (!peerModule) {
    const files = peerFiles();
    peerModule = (await loadPeerModule(readFileSync(files.glue, 'utf8'), readFileSync(files.wasm))).module;
  }
  const peer = new PeerModel(peerModule, bytes);
  return {
    run(input) {
      peer.setInputs([input]);
      peer.invoke();
      return peer.outputBytes()[0];
    },
    dispose: () => peer.dispose(),
  };
}

// A copy of the model with a different graph output and, optionally, zero points set to
// 0 on some tensors (in place: the flatbuffer keeps its layout).
function patchModel(bytes, { output, zeroPointsOf = [] }) {
  const b = Uint8Array.from(bytes);
  const dv = new DataView(b.buffer);
  const deref = (pos) => pos + dv.getUint32(pos, true);
  const field = (table, id) => {
    const vtable = table - dv.getInt32(table, true);
    const slot = 4 + 2 * id;
    const offset = slot < dv.getUint16(vtable, true) ? dv.getUint16(vtable + slot, true) : 0;
    assert.ok(offset, `flatbuffer field ${id} is absent`);
    return table + offset;
  };
  const vectorAt = (vec, i) => vec + 4 + 4 * i;
  const subgraph = deref(vectorAt(deref(field(deref(0), 2)), 0)); // Model.subgraphs[0]
  const outputs = deref(field(subgraph, 2));
  assert.equal(dv.getUint32(outputs, true), 1);
  dv.setInt32(vectorAt(outputs, 0), output, true);
  const tensors = deref(field(subgraph, 0));
  for (const t of zeroPointsOf) {
    const quant = deref(field(deref(vectorAt(tensors, t)), 4)); // Tensor.quantization
    const zps = deref(field(quant, 3)); // QuantizationParameters.zero_point (int64)
    for (let i = 0; i < dv.getUint32(zps, true); i++) dv.setBigInt64(zps + 4 + 8 * i, 0n, true);
  }
  return b;
}

/** Elements that differ, and by how much at most (int8 or uint8 bytes). */
function compare(a, b, signed) {
  const x = signed ? new Int8Array(a.buffer, a.byteOffset, a.length) : a;
  const y = signed ? new Int8Array(b.buffer, b.byteOffset, b.length) : b;
  let n = 0, max = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - y[i]);
    if (d) n++;
    max = Math.max(max, d);
  }
  return { n, max, of: x.length };
}

const argmax = (v) => v.indexOf(Math.max(...v));

// TFLM and TFLite disagree on the LSTM (see docs/usage.md and the report): TFLite adds
// the hidden state's zero point with the wrong sign (+1 instead of -1 here, 2 units on
// every hidden value) and computes sigmoid/tanh and the cell update with other roundings.
// With the hidden zero points set to 0 only the rounding differences remain, a unit
// here and there; then the two LSTMs, run three times in a row on one input, must give
// nearly the same output sequences at every invocation, while the state changes those
// sequences by a lot. That is the check that the state carries over as in TFLite.
test('state carries over between invocations as in TFLite (LSTM outputs, hidden zero point 0)', async (t) => {
  const variant = patchModel(modelBytes(), { output: LSTM_OUTPUT, zeroPointsOf: [17, 23, 24, 25] });
  const [engine] = await bothBuilds();
  for (const run of runs()) {
    const input = inputOf(run);
    const ours = engine.createInterpreter(variant);
    const peer = await tflite(variant);
    try {
      const o = [], p = [];
      for (let i = 0; i < 3; i++) {
        o.push(ours.run(input)[0]);
        p.push(peer.run(input));
      }
      const name = run.input.split('/').at(-1);
      for (let i = 0; i < 3; i++) {
        const d = compare(o[i], p[i], true);
        t.diagnostic(`${name} invocation ${i + 1}: ${d.n}/${d.of} differ from TFLite, by at most ${d.max}`);
        assert.ok(d.max <= 2 && d.n <= 0.15 * d.of, `${name} invocation ${i + 1}: ${d.n}/${d.of} differ from TFLite, by up to ${d.max}`);
      }
      // Without the state, TFLite's second invocation would equal its first.
      const stateEffect = compare(p[1], p[0], true);
      assert.ok(stateEffect.n > 0.5 * stateEffect.of && stateEffect.max > 50,
        `${name}: the state changed only ${stateEffect.n} values, by up to ${stateEffect.max}`);
      ours.resetState();
      assertSameBytes(ours.run(input)[0], o[0], `${name} after resetState`);
    } finally {
      ours.dispose();
      peer.dispose();
    }
  }
});

// The model as shipped, three invocations in a row on each input: TFLite and we agree
// on the class every time, and resetState() brings back the first (golden) output.
test('the shipped model, three invocations in a row: same class as TFLite; resetState() restores the first', async (t) => {
  const [engine] = await bothBuilds();
  let exact = 0, total = 0;
  for (const run of runs()) {
    const input = inputOf(run);
    const ours = engine.createInterpreter(modelBytes());
    const peer = await tflite(modelBytes());
    try {
      const o = [];
      for (let i = 0; i < 3; i++) {
        o.push(ours.run(input)[0]);
        const p = peer.run(input);
        const d = compare(o[i], p, false);
        t.diagnostic(`${run.input.split('/').at(-1)} invocation ${i + 1}: ours [${o[i]}] TFLite [${p}]`);
        assert.equal(argmax([...o[i]]), argmax([...p]), `${run.input} invocation ${i + 1}`);
        exact += d.n === 0;
        total++;
      }
      assertSameBytes(o[0], goldenOf(run), `${run.input} first invocation`);
      ours.resetState();
      assertSameBytes(ours.run(input)[0], o[0], `${run.input} after resetState`);
    } finally {
      ours.dispose();
      peer.dispose();
    }
  }
  t.diagnostic(`${exact} of ${total} invocations byte-identical to TFLite`);
});

test('Model.resetState(), on the main thread and in a worker', async () => {
  needWasm();
  const run = runs().find((r) => r.input.endsWith('mnist_nine.in.bin'));
  const input = inputOf(run);
  for (const worker of [false, true]) {
    const model = await loadModel(modelBytes(), { worker });
    try {
      const [first] = await model.run(input);
      assertSameBytes(first, goldenOf(run), `worker ${worker}: first run`);
      const [second] = await model.run(input);
      assert.notDeepEqual([...second], [...first], `worker ${worker}: the second run starts from the state the first left`);
      // Queued after a run, the reset applies after it.
      const pending = model.run(input);
      await model.resetState();
      await pending;
      const [again] = await model.run(input);
      assertSameBytes(again, first, `worker ${worker}: after resetState`);
    } finally {
      model.dispose();
    }
    await assert.rejects(model.resetState(), { name: 'EdgeInferError', code: 'INVALID_STATE' });
  }
});

test('edgeinfer classify: mnist_nine.bmp is a 9', async () => {
  needWasm();
  const image = need(join(REFDATA, 'images', 'mnist_nine.bmp'));
  const [json, text] = await Promise.all([
    cli('classify', modelPath(MODEL), image, '--top', '3', '--json'),
    cli('classify', modelPath(MODEL), image),
  ]);
  assert.equal(json.code, 0, json.stderr);
  const { top } = JSON.parse(json.stdout);
  assert.deepEqual(top.map((e) => e.index), [9, 0, 1]); // 255, then zeros: lower index first
  assert.equal(top[0].value, 255);
  assert.equal(top[0].label, null, 'no labels file: the class index is the digit');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^9: 255 \(0\.996094\)\n/);
});
