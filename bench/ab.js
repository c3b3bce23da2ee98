#!/usr/bin/env node
// ab.js — two builds of our engine on one model, in the same process: what a kernel
// change is worth when it is smaller than the machine's noise (±8% between runs here).
// Both engines load the model and get the same input; each is warmed up by time, then the
// two are invoked alternately for `rounds` rounds (the order flips every round), and the
// medians and B/A are printed. The outputs of A and B are compared too: a kernel change
// must not change a byte.
//
//   node bench/ab.js A.wasm B.wasm MODEL.tflite [--rounds N] [--warmup-ms N] [--per-op] [--json]
//
// --per-op also times each operator alone, A's and B's in turn, operator by operator
// through the model (the two stay in step), and prints the sums per operator type: where
// a change gains or loses, to a fraction of a percent.
//
// Build B from a working tree with `make wasm` and copy it aside first; A is usually the
// committed build.

import { parseArgs } from 'node:util';
import { loadEngine } from '../js/engine.js';
import { EdgeInferError } from '../js/errors.js';
import { DEFAULT_WARMUP_MS, OursModel, byOpType, median, randomInputs, timeAlternately, warmUp } from './core.js';
import { modelName, positiveInt, readBytes } from './node.js';

const DEFAULT_ROUNDS = 200;
const USAGE = 'usage: node bench/ab.js A.wasm B.wasm MODEL.tflite [--rounds N] [--warmup-ms N] [--per-op] [--json]';

/** How many bytes differ between two lists of outputs (as bytes). */
function differingBytes(a, b) {
  return a.reduce((n, bytes, i) => n + bytes.reduce((m, x, k) => m + (x !== b[i][k] ? 1 : 0), 0), 0);
}

/**
 * Each operator of A and of B alone, for `rounds` runs of the model: op k of one side, then
 * of the other (the order flips with k and with the round), then op k + 1.
 * @returns {Array<{index, name, a_ms, b_ms}>} per-operator medians
 */
function timeOps(sides, inputs, rounds) {
  const interpreters = sides.map((side) => side.model.interpreter);
  const count = interpreters[0].opCount;
  const times = interpreters.map(() => Array.from({ length: count }, () => []));
  for (let r = 0; r < rounds; r++) {
    for (const side of sides) side.model.setInputs(inputs);
    for (let k = 0; k < count; k++) {
      for (const s of (r + k) % 2 === 0 ? [0, 1] : [1, 0]) {
        const t0 = performance.now();
        interpreters[s].invokeOp(k);
        times[s][k].push(performance.now() - t0);
      }
    }
  }
  return times[0].map((a, k) => ({ index: k, name: interpreters[0].opName(k), a_ms: median(a), b_ms: median(times[1][k]) }));
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      rounds: { type: 'string' }, 'warmup-ms': { type: 'string' }, 'per-op': { type: 'boolean' }, json: { type: 'boolean' },
    },
  });
  if (positionals.length !== 3) throw new EdgeInferError('INVALID_ARGUMENT', 'expected A.wasm B.wasm MODEL.tflite');
  const [wasmA, wasmB, modelFile] = positionals;
  const rounds = positiveInt(values.rounds, 'rounds', DEFAULT_ROUNDS);
  const warmupMs = positiveInt(values['warmup-ms'], 'warmup-ms', DEFAULT_WARMUP_MS, 0);

  const modelBytes = readBytes(modelFile, 'model');
  const sides = [];
  for (const file of [wasmA, wasmB]) {
    const engine = await loadEngine({ wasm: readBytes(file, 'engine') });
    sides.push({ model: new OursModel(engine.createInterpreter(modelBytes)), times: [] });
  }
  const inputs = randomInputs(sides[0].model.interpreter.inputs);
  for (const side of sides) {
    side.step = () => {
      side.model.setInputs(inputs);
      side.model.invoke();
    };
    warmUp(side.step, warmupMs);
  }
  timeAlternately(sides, rounds);
  const differing = differingBytes(sides[0].model.outputBytes(), sides[1].model.outputBytes());
  const result = {
    model: modelName(modelFile), a: wasmA, b: wasmB, rounds, warmup_ms: warmupMs,
    a_ms: median(sides[0].times), b_ms: median(sides[1].times), output_bytes_differing: differing,
  };
  result.b_over_a = result.b_ms / result.a_ms;
  if (values['per-op']) {
    result.ops = timeOps(sides, inputs, rounds);
    result.op_types = byOpType(result.ops, ['a_ms', 'b_ms']);
  }
  for (const side of sides) side.model.dispose();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(`${result.model}: A ${result.a_ms.toFixed(3)} ms, B ${result.b_ms.toFixed(3)} ms, ` +
      `B/A ${result.b_over_a.toFixed(4)} (medians of ${rounds} alternating runs); ` +
      `outputs ${differing === 0 ? 'identical' : `differ in ${differing} bytes`}\n`);
    for (const t of result.op_types ?? []) {
      process.stdout.write(`  ${t.name.padEnd(24)} ${String(t.count).padStart(3)} ops  A ${t.a_ms.toFixed(3)} ms  ` +
        `B ${t.b_ms.toFixed(3)} ms  B/A ${(t.b_ms / t.a_ms).toFixed(4)}\n`);
    }
  }
  // A build that changes the outputs is a bug, whatever its speed.
  process.exitCode = differing === 0 ? 0 : 1;
}

main().catch((err) => {
  // Bad arguments (parseArgs's, positiveInt's INVALID_ARGUMENT) exit 2, like the CLI.
  const bad = err.code === 'INVALID_ARGUMENT' || String(err.code).startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`ab: ${err.message}\n${bad ? `${USAGE}\n` : ''}`);
  process.exitCode = bad ? 2 : 1;
});
