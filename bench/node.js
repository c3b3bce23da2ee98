#!/usr/bin/env node
// node.js — the benchmark in Node: ours against TFLite-wasm (tfjs-tflite), same process,
// same model, same input bytes. See core.js for the method.
//
//   node bench/node.js [--json] [--runs N] [--warmup-ms N] [--no-peer]     (make bench)
//       every model of BENCH_MODELS, each in a fresh Node process (so that every cold
//       start is cold), then one table
//   node js/cli.js bench MODEL.tflite [--input FILE] [--json] [--runs N] [--warmup-ms N]
//       [--no-peer] [--profile]
//       one model in this process (benchCommand below)

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EdgeInferError } from '../js/errors.js';
import { simdSupported } from '../js/engine.js';
import { benchmark, DEFAULT_RUNS, DEFAULT_WARMUP_MS, RANDOM_SEED } from './core.js';
import { formatProfile, formatTable, jsonLine } from './format.js';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
export const SHARED = process.env.EDGEINFER_SHARED || join(REPO, '..', 'shared');
const CLI = join(REPO, 'js', 'cli.js');

export const BENCH_MODELS = [
  'person_detect',
  'tf2_mobilenet_v2_1.0_224_ptq',
  'mobilenet_v2_1.0_224_quant',
  'mobilenet_v1_0.5_160_quant',
  'mobilenet_v1_0.25_128_quant',
  'movenet_single_pose_lightning_ptq',
  'deeplabv3_mnv2_dm05_pascal_quant',
];

/** Model file and benchmark input (xs1.in.bin, or null for seeded random) of a model name. */
export function modelFiles(name) {
  const model = name === 'person_detect'
    ? join(SHARED, 'refdata', 'tflm', 'person_detection', 'person_detect.tflite')
    : join(SHARED, 'refdata', 'models', `${name}.tflite`);
  const input = join(SHARED, 'refdata', 'tflm_ref', name, 'xs1.in.bin');
  return { model, input: existsSync(input) ? input : null };
}

/** The peer's glue and wasm (the single-threaded SIMD build) from node_modules. */
export function peerFiles() {
  const require = createRequire(import.meta.url);
  let pkg;
  try {
    pkg = require.resolve('@tensorflow/tfjs-tflite/package.json');
  } catch {
    throw new EdgeInferError('IO_ERROR',
      '@tensorflow/tfjs-tflite is not installed (npm install, it is a devDependency), or use --no-peer');
  }
  const dir = join(pkg, '..', 'wasm');
  return {
    glue: join(dir, 'tflite_web_api_cc_simd.js'),
    wasm: join(dir, 'tflite_web_api_cc_simd.wasm'),
    version: JSON.parse(readFileSync(pkg, 'utf8')).version,
  };
}

export function readBytes(path, what) {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new EdgeInferError('IO_ERROR', `cannot read ${what} ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
}

export function positiveInt(text, name, fallback, minimum = 1) {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < minimum) {
    throw new EdgeInferError('INVALID_ARGUMENT', `--${name} must be an integer >= ${minimum}, got ${text}`);
  }
  return n;
}

export const modelName = (path) => basename(path).replace(/\.tflite$/, '');

const environment = () => `node ${process.version}`;

/**
 * `edgeinfer bench`: benchmark one model in this process and print a table (or, with
 * --json, one JSON line).
 * @param {string} modelPath
 * @param {{input?: string[], json?: boolean, runs?: string, 'warmup-ms'?: string,
 *   'no-peer'?: boolean, profile?: boolean, wasm?: string}} options  as parsed by the CLI
 */
export async function benchCommand(modelPath, options) {
  const runs = positiveInt(options.runs, 'runs', DEFAULT_RUNS);
  const warmupMs = positiveInt(options['warmup-ms'], 'warmup-ms', DEFAULT_WARMUP_MS, 0);
  const modelBytes = readBytes(modelPath, 'model');
  const inputs = options.input?.length ? options.input.map((path) => readBytes(path, 'input')) : null;
  const oursWasmPath = options.wasm ?? join(REPO, 'wasm', simdSupported() ? 'edgeinfer-simd.wasm' : 'edgeinfer.wasm');
  const oursWasm = readBytes(oursWasmPath, 'engine');
  let peer = null;
  if (!options['no-peer']) {
    const files = peerFiles();
    peer = { glue: readFileSync(files.glue, 'utf8'), wasm: readBytes(files.wasm, 'peer wasm'), version: files.version };
  }
  const log = (line) => process.stderr.write(`bench ${modelName(modelPath)}: ${line}\n`);
  const load = loadavg();
  const result = {
    model: modelName(modelPath),
    input: inputs ? options.input.map((p) => basename(p)).join(',') : `random(seed=${RANDOM_SEED})`,
    env: environment(),
    ours_engine: basename(oursWasmPath),
    peer_runtime: peer ? `tfjs-tflite ${peer.version} simd, XNNPACK, 1 thread` : null,
    ...await benchmark({ modelBytes, inputs, oursWasm, peer, runs, warmupMs, profile: options.profile, log }),
    load_avg: load.map((x) => Number(x.toFixed(2))),
  };
  if (options.json) {
    console.log(jsonLine(result));
    return;
  }
  for (const line of formatTable([result])) console.log(line);
  if (result.profile) for (const line of formatProfile(result.profile)) console.log(line);
}

/** Run `edgeinfer bench ... --json` in a child process; resolves with its JSON result. */
function benchInChild(name, forward) {
  const { model, input } = modelFiles(name);
  const args = [CLI, 'bench', model, '--json', ...forward, ...(input ? ['--input', input] : [])];
  return new Promise((resolvePromise, reject) => {
    const child = execFile(process.execPath, args, { maxBuffer: 16 << 20 }, (err, stdout) => {
      if (err) reject(new Error(`bench of ${name} failed (exit ${err.code})`));
      else resolvePromise(JSON.parse(stdout.trim().split('\n').at(-1)));
    });
    child.stderr.pipe(process.stderr);
  });
}

async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean' }, runs: { type: 'string' }, 'warmup-ms': { type: 'string' },
      'no-peer': { type: 'boolean' }, models: { type: 'string' },
    },
  });
  const forward = [];
  if (values.runs) forward.push('--runs', values.runs);
  if (values['warmup-ms']) forward.push('--warmup-ms', values['warmup-ms']);
  if (values['no-peer']) forward.push('--no-peer');
  const names = values.models ? values.models.split(',') : BENCH_MODELS;
  const results = [];
  for (const name of names) {
    const result = await benchInChild(name, forward);
    if (values.json) console.log(jsonLine(result));
    results.push(result);
  }
  if (!values.json) for (const line of formatTable(results)) console.log(line);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`bench: ${err.message}\n`);
    process.exitCode = 1;
  });
}
