// bench.test.js — `edgeinfer bench` runs and prints what it should (a smoke test of the
// output format: nothing here asserts on a time; the peer is left out), and the copy of a
// model that the peer is given.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixQuantizedDimensions } from '../../bench/peer.js';
import { REFDATA, REPO, cli, exec, modelPath, need, needWasm } from './support.js';

const MODEL = modelPath('person_detect');
const INPUT = join(REFDATA, 'tflm_ref', 'person_detect', 'xs1.in.bin');
const FEW_RUNS = ['--runs', '3', '--warmup-ms', '0', '--no-peer'];

const isTime = (x) => typeof x === 'number' && Number.isFinite(x) && x >= 0;

test('bench --json prints one JSON object with our times, cold start and the profile', async () => {
  needWasm();
  const { code, stdout, stderr } = await cli('bench', need(MODEL), '--input', need(INPUT), '--json', '--profile', ...FEW_RUNS);
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${stdout}`);
  const r = JSON.parse(lines[0]);
  assert.equal(r.model, 'person_detect');
  assert.equal(r.input, 'xs1.in.bin');
  assert.equal(r.runs, 3);
  for (const key of ['ours_ms', 'ours_min_ms', 'ours_wasm_ms', 'ours_load_ms', 'ours_first_ms']) {
    assert.ok(isTime(r[key]), `${key}: ${r[key]}`);
  }
  assert.ok(r.ours_min_ms <= r.ours_ms);
  assert.equal(r.peer_ms, null);
  assert.equal(r.ratio, null);
  assert.equal(r.profile.ops.length, 31);
  assert.deepEqual(r.profile.ops[0].outputs, [[1, 48, 48, 8]]);
  assert.equal(r.profile.byType.reduce((n, t) => n + t.count, 0), 31);
});

test('bench prints the timing and cold-start tables', async () => {
  needWasm();
  const { code, stdout, stderr } = await cli('bench', need(MODEL), ...FEW_RUNS);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^person_detect +random\(seed=1\) +\d+\.\d{3} +\d+\.\d{3} +- +- +- /m);
  assert.match(stdout, /^cold start, ms +ours: wasm +load +first +peer: wasm +load +first$/m);
  assert.match(stdout, /^person_detect +\d+\.\d +\d+\.\d +\d+\.\d +- +- +-$/m);
});

const AB = join(REPO, 'bench', 'ab.js');
const ab = (...args) => exec(process.execPath, [AB, ...args]);

test('ab.js times two engine builds in one process and finds their outputs identical', async () => {
  needWasm();
  // The scalar and the SIMD build: different code, the same bytes out.
  const scalar = join(REPO, 'wasm', 'edgeinfer.wasm'), simd = join(REPO, 'wasm', 'edgeinfer-simd.wasm');
  const { code, stdout, stderr } = await ab(scalar, simd, need(MODEL), '--rounds', '3', '--warmup-ms', '0', '--json');
  assert.equal(code, 0, stderr);
  const r = JSON.parse(stdout);
  assert.equal(r.model, 'person_detect');
  assert.equal(r.rounds, 3);
  assert.equal(r.output_bytes_differing, 0);
  assert.ok(isTime(r.a_ms) && isTime(r.b_ms) && r.b_over_a === r.b_ms / r.a_ms, stdout);
});

test('ab.js --per-op times every operator of both builds and sums them per type', async () => {
  needWasm();
  const scalar = join(REPO, 'wasm', 'edgeinfer.wasm'), simd = join(REPO, 'wasm', 'edgeinfer-simd.wasm');
  const { code, stdout, stderr } = await ab(scalar, simd, need(MODEL), '--rounds', '3', '--warmup-ms', '0', '--per-op', '--json');
  assert.equal(code, 0, stderr);
  const r = JSON.parse(stdout);
  assert.equal(r.ops.length, 31);
  assert.deepEqual(r.ops.map((op) => op.index), [...Array(31).keys()]);
  assert.equal(r.ops[0].name, 'DEPTHWISE_CONV_2D');
  for (const op of r.ops) assert.ok(isTime(op.a_ms) && isTime(op.b_ms), JSON.stringify(op));
  assert.equal(r.op_types.reduce((n, t) => n + t.count, 0), 31);
  const sum = (key, name) => r.ops.filter((op) => op.name === name).reduce((s, op) => s + op[key], 0);
  for (const t of r.op_types) {
    assert.ok(Math.abs(t.a_ms - sum('a_ms', t.name)) < 1e-9 && Math.abs(t.b_ms - sum('b_ms', t.name)) < 1e-9, t.name);
  }
});

test('ab.js rejects a missing argument and a bad --rounds', async () => {
  let { code, stderr } = await ab('a.wasm', 'b.wasm');
  assert.equal(code, 2);
  assert.match(stderr, /^ab: expected A\.wasm B\.wasm MODEL\.tflite\n/);
  ({ code, stderr } = await ab('a.wasm', 'b.wasm', 'm.tflite', '--rounds', '0'));
  assert.equal(code, 2);
  assert.match(stderr, /^ab: --rounds must be an integer >= 1, got 0\n/);
});

test('bench/browser.js rejects a bad --runs or --warmup-ms before starting a browser', async () => {
  const browserBench = (...args) => exec(process.execPath, [join(REPO, 'bench', 'browser.js'), ...args]);
  let { code, stderr } = await browserBench('--runs', '0');
  assert.equal(code, 2);
  assert.equal(stderr, 'bench-browser: --runs must be an integer >= 1, got 0\n');
  ({ code, stderr } = await browserBench('--warmup-ms=-1'));
  assert.equal(code, 2);
  assert.equal(stderr, 'bench-browser: --warmup-ms must be an integer >= 0, got -1\n');
});

test('bench rejects a bad --runs', async () => {
  const { code, stderr } = await cli('bench', MODEL, '--runs', 'x', '--no-peer');
  assert.equal(code, 2);
  assert.match(stderr, /^edgeinfer: INVALID_ARGUMENT: --runs must be an integer >= 1, got x\n$/);
});

test('the peer gets person_detect with its 14 rank-1 quantized_dimension values set to 0, nothing else', () => {
  const original = new Uint8Array(readFileSync(need(MODEL)));
  const { bytes, patched } = fixQuantizedDimensions(original);
  assert.equal(patched, 14);
  let changed = 0;
  for (let i = 0; i < original.length; i++) if (bytes[i] !== original[i]) changed++;
  assert.ok(changed > 0 && changed <= 14, `${changed} bytes changed`); // 3 → 0 in the low byte
  assert.equal(fixQuantizedDimensions(new Uint8Array(readFileSync(modelPath('mobilenet_v2_1.0_224_quant')))).patched, 0);
});
