#!/usr/bin/env node
// ab.js — two builds of our engine on one model, in the same process: what a kernel
// change is worth when it is smaller than the machine's noise (±8% between runs here).
// Both engines load the model and get the same input; each is warmed up by time, then the
// two are invoked alternately for `rounds` rounds (the order flips every round), and the
// medians and B/A are printed. The outputs of A and B are compared too: a kernel change
// must not change a byte.
//
//   node bench/ab.js A.wasm B.wasm MODEL.tflite [--rounds N] [--warmup-ms N] [--json]
//
// Build B from a working tree with `make wasm` and copy it aside first; A is usually the
// committed build.

import { parseArgs } from 'node:util';
import { loadEngine } from '../js/engine.js';
import { EdgeInferError } from '../js/errors.js';
import { DEFAULT_WARMUP_MS, OursModel, median, randomInputs, timeAlternately, warmUp } from './core.js';
import { modelName, positiveInt, readBytes } from './node.js';

const DEFAULT_ROUNDS = 200;
const USAGE = 'usage: node bench/ab.js A.wasm B.wasm MODEL.tflite [--rounds N] [--warmup-ms N] [--json]';

/** How many bytes differ between two lists of outputs (as bytes). */
function differingBytes(a, b) {
  return a.reduce((n, bytes, i) => n + bytes.reduce((m, x, k) => m + (x !== b[i][k] ? 1 : 0), 0), 0);
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { rounds: { type: 'string' }, 'warmup-ms': { type: 'string' }, json: { type: 'boolean' } },
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
  for (const side of sides) side.model.dispose();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(`${result.model}: A ${result.a_ms.toFixed(3)} ms, B ${result.b_ms.toFixed(3)} ms, ` +
      `B/A ${result.b_over_a.toFixed(4)} (medians of ${rounds} alternating runs); ` +
      `outputs ${differing === 0 ? 'identical' : `differ in ${differing} bytes`}\n`);
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
