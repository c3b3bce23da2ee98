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

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEngine } from '../js/engine.js';
import { DEFAULT_WARMUP_MS, median, randomInputs, warmUp } from './core.js';

const DEFAULT_ROUNDS = 200;

function usage(message) {
  process.stderr.write(`ab: ${message}\nusage: node bench/ab.js A.wasm B.wasm MODEL.tflite ` +
    '[--rounds N] [--warmup-ms N] [--json]\n');
  process.exit(2);
}

function count(name, text, min) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) usage(`--${name} must be an integer >= ${min}, got ${text}`);
  return n;
}

/** How many bytes of each output differ between a and b. */
function differingBytes(a, b) {
  return a.map((bytes, i) => bytes.reduce((n, x, k) => n + (x !== b[i][k] ? 1 : 0), 0));
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { rounds: { type: 'string' }, 'warmup-ms': { type: 'string' }, json: { type: 'boolean' } },
    });
  } catch (err) {
    usage(err.message);
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 3) usage('expected A.wasm B.wasm MODEL.tflite');
  const [wasmA, wasmB, modelFile] = positionals;
  const rounds = values.rounds === undefined ? DEFAULT_ROUNDS : count('rounds', values.rounds, 1);
  const warmupMs = values['warmup-ms'] === undefined ? DEFAULT_WARMUP_MS : count('warmup-ms', values['warmup-ms'], 0);

  const modelBytes = new Uint8Array(readFileSync(modelFile));
  const sides = [];
  for (const file of [wasmA, wasmB]) {
    const engine = await loadEngine({ wasm: new Uint8Array(readFileSync(file)) });
    sides.push({ file, interpreter: engine.createInterpreter(modelBytes), times: [] });
  }
  const inputs = randomInputs(sides[0].interpreter.inputs);
  for (const side of sides) {
    side.step = () => {
      inputs.forEach((bytes, i) => side.interpreter.setInput(i, bytes));
      side.interpreter.invoke();
    };
    warmUp(side.step, warmupMs);
  }
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 === 0 ? sides : [...sides].reverse()) {
      const t0 = performance.now();
      side.step();
      side.times.push(performance.now() - t0);
    }
  }
  const outputs = sides.map(({ interpreter }) => interpreter.outputs.map((_, i) => {
    const out = interpreter.getOutput(i);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength).slice();
  }));
  const differing = differingBytes(outputs[0], outputs[1]).reduce((a, b) => a + b, 0);
  const result = {
    model: basename(modelFile, '.tflite'), a: wasmA, b: wasmB, rounds, warmup_ms: warmupMs,
    a_ms: median(sides[0].times), b_ms: median(sides[1].times), output_bytes_differing: differing,
  };
  result.b_over_a = result.b_ms / result.a_ms;
  for (const side of sides) side.interpreter.dispose();
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

await main();
