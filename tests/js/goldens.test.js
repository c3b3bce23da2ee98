// goldens.test.js — every run in tflm_ref/<model>/meta.json gives byte-identical
// outputs through the native runner (ei_run) and the wasm engine (in-process for every
// run, through the `edgeinfer run` CLI for the first run of each model).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine } from '../../js/engine.js';
import {
  GOLDEN_MODELS, REFDATA, EI_RUN, assertSameBytes, cli, exec, modelPath, need,
  needNativeRunner, needWasm, readJson, tempDir,
} from './support.js';

// Plus the models of the post-processing ops (float32 keypoints, int64 ARG_MAX output),
// and an LSTM (its state carries over between runs: each golden starts from zero).
const MODELS = [...GOLDEN_MODELS, 'movenet_single_pose_lightning_ptq', 'deeplabv3_mnv2_dm05_pascal_quant',
  'keras_lstm_mnist_ptq'];
// Native runs per model when not all: deeplab's 513x513 takes ~0.9 s with the scalar native kernels.
const NATIVE_RUNS = { deeplabv3_mnv2_dm05_pascal_quant: 2 };

for (const model of MODELS) {
  test(`goldens: ${model}`, async (t) => {
    const refDir = join(REFDATA, 'tflm_ref', model);
    const meta = readJson(join(refDir, 'meta.json'));
    const modelFile = need(modelPath(model));
    needNativeRunner();
    needWasm();
    assert.ok(meta.runs.length > 0, `${model}: meta.json lists no runs`);

    const tmp = tempDir(t);
    const engine = await loadEngine();
    const interpreter = engine.createInterpreter(readFileSync(modelFile));
    t.after(() => interpreter.dispose());

    for (const [r, run] of meta.runs.entries()) {
      await t.test(run.input, async () => {
        const inputPath = need(join(refDir, run.input));
        const wants = run.outputs.map((o) => readFileSync(need(join(refDir, o.file))));
        assert.equal(wants.length, 1, 'ei_run compares output 0 only');

        // Native and CLI children run on the other core while the wasm runs here.
        const nativeOut = join(tmp, `native-${r}.bin`);
        const runNative = r < (NATIVE_RUNS[model] ?? meta.runs.length);
        const native = runNative ? exec(EI_RUN, ['run', modelFile, inputPath, nativeOut]) : null;
        const cliOut = join(tmp, `cli-${r}.bin`);
        const viaCli = r === 0 ? cli('run', modelFile, '--input', inputPath, '--output', cliOut) : null;

        interpreter.resetState();
        const outputs = interpreter.run(readFileSync(inputPath));
        wants.forEach((want, i) => assertSameBytes(outputs[i], want, `wasm output ${i}`));

        if (native) {
          const n = await native;
          assert.equal(n.code, 0, `ei_run failed: ${n.stderr}`);
          assertSameBytes(readFileSync(nativeOut), wants[0], 'native output 0');
        }
        if (viaCli) {
          const c = await viaCli;
          assert.equal(c.code, 0, `edgeinfer run failed: ${c.stderr}`);
          assertSameBytes(readFileSync(cliOut), wants[0], 'CLI output 0');
        }
      });
    }
  });
}

// The scalar build (for engines without SIMD128) must agree too: one run per model.
test('goldens: scalar wasm build, first run of each model', async () => {
  needWasm();
  const engine = await loadEngine({ simd: false });
  assert.equal(engine.variant, 'scalar');
  for (const model of MODELS) {
    const refDir = join(REFDATA, 'tflm_ref', model);
    const [run] = readJson(join(refDir, 'meta.json')).runs;
    const interpreter = engine.createInterpreter(readFileSync(need(modelPath(model))));
    try {
      const [out] = interpreter.run(readFileSync(need(join(refDir, run.input))));
      assertSameBytes(out, readFileSync(need(join(refDir, run.outputs[0].file))), `${model} ${run.input}`);
    } finally {
      interpreter.dispose();
    }
  }
});
