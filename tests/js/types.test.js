// types.test.js — the package as a user gets it. A TypeScript user's `tsc --noEmit
// --strict` accepts js/index.d.ts and js/image-decode.d.ts through the exports map, in a
// browser project (DOM library) and in one without DOM or Node types (`@ts-expect-error`
// lines check that misuse is rejected). The `npm pack` tarball holds what a user needs,
// has no install scripts, and runs a model (worker mode) on its own.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REFDATA, REPO, assertSameBytes, exec, modelPath, need, needWasm, tempDir } from './support.js';

const run = promisify(execFile);

const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

const BROWSER_APP = `
import { loadModel, loadManifest, imageToTensor, topK, EdgeInferError, Model, type TensorData } from 'edgeinfer';

const controller = new AbortController();
const model: Model = await loadModel(new URL('models/m/manifest.json', location.href), {
  signal: controller.signal,
  maxMemoryBytes: 64 << 20,
  onProgress: ({ loadedBytes, totalBytes, fromCache }) => console.log(loadedBytes / totalBytes, fromCache),
});
const manifest = await loadManifest('models/m/manifest.json');
const shape: readonly number[] = manifest.inputs[0].shape;
const canvas = document.createElement('canvas');
const video = document.createElement('video');
const bitmap = await createImageBitmap(canvas);
const imageData = new ImageData(4, 4);
for (const source of [canvas, video, bitmap, imageData, new OffscreenCanvas(2, 2)]) imageToTensor(source, model);
const outputs: TensorData[] = await model.run(imageToTensor(imageData, model.inputs[0]));
await model.run({ [model.inputs[0].name]: new Uint8Array(10) });
await model.run([new Int8Array(3)]);
const best = topK(outputs[0], ['a', 'b'], 1, model.outputs[0])[0];
const label: string | null = best.label;
const isModel: boolean = model instanceof Model;
const workerModel = await loadModel('m/manifest.json', { worker: true });
await workerModel.run(new Uint8Array(3), { transfer: true });
await model.resetState();
await workerModel.resetState();
try {
  await loadModel(new ArrayBuffer(8));
} catch (err) {
  if (err instanceof EdgeInferError && err.code === 'OUT_OF_MEMORY') console.log(err.message, shape, label, isModel);
}
// @ts-expect-error: run() takes typed arrays, not numbers
await model.run(42);
// @ts-expect-error: no such option
await loadModel('m/manifest.json', { retry: 3 });
// @ts-expect-error: transfer only exists in worker mode
await model.run(new Uint8Array(3), { transfer: true });
model.dispose();
workerModel.dispose();
`;

const NODE_APP = `
import { print, readFileSync } from './stubs.js';
import { loadModel, imageToTensor, topK, createInterpreter } from 'edgeinfer';
import { decodeImage } from 'edgeinfer/image-decode';

const model = await loadModel('http://127.0.0.1:8080/m/manifest.json', { cacheDir: '/tmp/cache', retries: 5 });
const image = decodeImage(readFileSync('parrot.png'));
const [scores] = await model.run(imageToTensor(image, model));
print(topK(scores, null, 5).map((e) => e.index));
const interpreter = await createInterpreter(readFileSync('m.tflite'));
const out = interpreter.run([new Uint8Array(interpreter.inputs[0].bytes)]);
print(out.length, interpreter.arenaBytes);
interpreter.resetState();
// @ts-expect-error: decodeImage gives 1 or 3 channels
const four: 4 = image.channels;
print(four);
`;

function project(dir, lib, files) {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(REPO, join(dir, 'node_modules', 'edgeinfer'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext',
      lib, types: [], skipLibCheck: false,
    },
    files: Object.keys(files),
  }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

async function tsc(dir) {
  const result = await exec(process.execPath, [need(TSC, 'run npm ci'), '-p', join(dir, 'tsconfig.json')]);
  assert.equal(result.code, 0, `tsc reported errors:\n${result.stdout}${result.stderr}`);
}

test('tsc --strict accepts the declarations in a browser project and in one without DOM types', async (t) => {
  const browser = join(tempDir(t), 'browser');
  project(browser, ['es2022', 'dom'], { 'app.ts': BROWSER_APP });
  const plain = join(tempDir(t), 'plain');
  project(plain, ['es2022'], {
    'app.ts': NODE_APP,
    // What @types/node would give, declared here to keep Node's types out.
    'stubs.ts': 'export declare function readFileSync(path: string): Uint8Array;\nexport declare function print(...values: unknown[]): void;\n',
  });
  await Promise.all([tsc(browser), tsc(plain)]);
});

const CHECK_SCRIPT = `
import { readFileSync } from 'node:fs';
import { loadModel } from 'edgeinfer';
const model = await loadModel(readFileSync(process.argv[2]), { worker: true });
const [out] = await model.run(readFileSync(process.argv[3]));
process.stdout.write(Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('hex'));
model.dispose();
`;

test('npm pack: what a user needs, no install scripts, and it runs from the tarball', async (t) => {
  needWasm();
  const dir = tempDir(t);
  const { stdout } = await run('npm', ['pack', '--json', '--loglevel=error', '--pack-destination', dir], { cwd: REPO });
  const [pack] = JSON.parse(stdout);
  const files = pack.files.map((f) => f.path).sort();
  for (const file of ['package.json', 'README.md', 'js/index.js', 'js/index.d.ts', 'js/image-decode.d.ts', 'js/worker.js',
    'js/cli.js', 'wasm/edgeinfer.wasm', 'wasm/edgeinfer-simd.wasm']) {
    assert.ok(files.includes(file), `${file} is not in the package`);
  }
  assert.deepEqual(files.filter((f) => !/^(js\/[\w-]+\.(js|d\.ts)|wasm\/[\w-]+\.wasm|package\.json|README\.md)$/.test(f)), []);
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const installScripts = Object.keys(manifest.scripts ?? {}).filter((s) => /^(pre|post)?(install|prepare)$/.test(s));
  assert.deepEqual(installScripts, []);

  const app = join(dir, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  await run('tar', ['-xzf', join(dir, pack.filename), '-C', dir]);
  renameSync(join(dir, 'package'), join(app, 'node_modules', 'edgeinfer'));
  writeFileSync(join(app, 'check.mjs'), CHECK_SCRIPT);
  const ref = join(REFDATA, 'tflm_ref', 'person_detect');
  const result = await run(process.execPath, [join(app, 'check.mjs'), need(modelPath('person_detect')), need(join(ref, 'xs1.in.bin'))], { cwd: app });
  assertSameBytes(Buffer.from(result.stdout, 'hex'), readFileSync(need(join(ref, 'xs1.out.bin'))), 'output from the packed package');
});
