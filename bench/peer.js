// peer.js — the peer runtime, TFLite compiled to wasm (SIMD128, XNNPACK delegate on by
// default) as shipped in @tensorflow/tfjs-tflite, driven directly through the Emscripten
// module of that package. Works in Node and in a browser page: the caller passes the
// glue's source text and the wasm bytes, so nothing here fetches or reads files.
//
// Why not the package's own loadTFLiteModel(): in Node it fails with "ReferenceError: self
// is not defined" (its module loader builds the glue's URL from self/window.location, then
// loads it with a <script> tag), and the glue was built for web and worker only, so in
// Node it could not read its .wasm either. Evaluating the glue ourselves and handing it
// the wasm bytes avoids both, in Node and in a page alike. The calls made are the ones the client makes:
// TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, size, options), GetInputs(),
// GetOutputs(), Infer(). Going around the client also leaves out its tfjs tensor copies,
// so both runtimes are timed on the same thing: write the input bytes, run the model.

const GLUE_FACTORY_NAME = 'tflite_web_api_ModuleFactory';

/**
 * Instantiate the TFLite module.
 * @param {string} glueSource  text of tflite_web_api_cc_simd.js
 * @param {Uint8Array} wasmBytes  bytes of tflite_web_api_cc_simd.wasm
 * @param {(line: string) => void} [log]  where the module's stdout/stderr lines go
 * @returns {Promise<{module: object, ms: number}>} ms: glue evaluation, wasm compile +
 *   instantiate, runtime start
 */
export async function loadPeerModule(glueSource, wasmBytes, log = () => {}) {
  const t0 = performance.now();
  const factory = new Function(`${glueSource}\nreturn ${GLUE_FACTORY_NAME};`)();
  let fail;
  const failed = new Promise((_, reject) => {
    fail = reject;
  });
  const module = await Promise.race([failed, factory({
    // instantiateWasm replaces the glue's fetch-or-read logic with a plain compile of the
    // bytes; the glue would not notice a failure there, so it rejects `failed`.
    instantiateWasm(imports, receiveInstance) {
      WebAssembly.instantiate(wasmBytes, imports).then(
        ({ instance, module: compiled }) => receiveInstance(instance, compiled), fail);
      return {};
    },
    print: log,
    printErr: log,
  })]);
  return { module, ms: performance.now() - t0 };
}

/**
 * A PeerModel of a float32 model behind the interface edgeinfer's models give
 * detectFaces(): the manifest's inputs and outputs, and an async run() of one
 * float32 tensor that resolves to the float32 outputs.
 */
export function peerFloatModel(peer, manifest) {
  return {
    inputs: manifest.inputs,
    outputs: manifest.outputs,
    async run(input) {
      peer.setInputs([new Uint8Array(input.buffer, input.byteOffset, input.byteLength)]);
      peer.invoke();
      return peer.outputBytes().map((b) => new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4));
    },
    dispose: () => peer.dispose(),
  };
}

/**
 * One model loaded in the peer runtime, with the same small interface the benchmark uses
 * for ours: setInputs(list of byte arrays), invoke(), outputBytes().
 */
export class PeerModel {
  constructor(module, modelBytes, { numThreads = 1 } = {}) {
    this.module = module;
    // The runner keeps pointers into the model buffer: it stays allocated until dispose().
    this.modelPtr = module._malloc(modelBytes.byteLength);
    module.HEAPU8.set(modelBytes, this.modelPtr);
    const status = module.TFLiteWebModelRunner.CreateFromBufferAndOptions(
      this.modelPtr, modelBytes.byteLength,
      { numThreads, enableProfiling: false, maxProfilingBufferEntries: 1024 });
    if (!status.ok()) {
      const message = status.errorMessage();
      status.delete();
      module._free(this.modelPtr);
      throw new Error(`TFLite cannot load the model: ${message}`);
    }
    this.runner = status.value();
    status.delete();
    this.inputs = this.#tensorInfos(this.runner.GetInputs());
    this.outputs = this.#tensorInfos(this.runner.GetOutputs());
  }

  // Copy out what is needed from an embind vector of TensorInfo, then free it.
  #tensorInfos(vector) {
    const list = [];
    try {
      for (let i = 0; i < vector.size(); i++) {
        const info = vector.get(i);
        list.push({ name: info.name, dtype: info.dataType, shape: info.shape.split(',').map(Number), info });
      }
    } finally {
      vector.delete();
    }
    return list;
  }

  // A byte view of a tensor in wasm memory; asked again each time, as memory may grow.
  #bytes(tensor) {
    const data = tensor.info.data();
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }

  setInputs(list) {
    list.forEach((bytes, i) => {
      const target = this.#bytes(this.inputs[i]);
      if (target.byteLength !== bytes.byteLength) {
        throw new Error(`peer input ${i} needs ${target.byteLength} bytes, got ${bytes.byteLength}`);
      }
      target.set(bytes);
    });
  }

  invoke() {
    if (!this.runner.Infer()) throw new Error('TFLite inference failed');
  }

  /** A copy of each output's bytes. */
  outputBytes() {
    return this.outputs.map((t) => this.#bytes(t).slice());
  }

  dispose() {
    for (const t of [...this.inputs, ...this.outputs]) t.info.delete?.();
    this.runner?.delete();
    this.module._free(this.modelPtr);
    this.runner = null;
  }
}

// --- A copy of a model that full TFLite accepts -----------------------------------
//
// Some models (person_detect) give rank-1 bias tensors a quantized_dimension of 3. TFLM
// and our engine ignore it, but TFLite refuses the model ("quantized_dimension must be in
// range [0, 1)"). fixQuantizedDimensions() returns a copy where such a value is set to
// 0, the only dimension a rank-1 tensor has; nothing else changes.

const u32 = (dv, at) => dv.getUint32(at, true);

/** Position of field `id` of the flatbuffer table at `table`, or 0 when absent. */
function fieldPos(dv, table, id) {
  const vtable = table - dv.getInt32(table, true);
  const vtableSize = dv.getUint16(vtable, true);
  const slot = 4 + 2 * id;
  if (slot >= vtableSize) return 0;
  const offset = dv.getUint16(vtable + slot, true);
  return offset === 0 ? 0 : table + offset;
}

const deref = (dv, pos) => pos + u32(dv, pos); // follow a uoffset

/** Element positions of the vector of tables in field `id` of `table` ([] when absent). */
function tableVector(dv, table, id) {
  const pos = fieldPos(dv, table, id);
  if (pos === 0) return [];
  const vec = deref(dv, pos);
  return Array.from({ length: u32(dv, vec) }, (_, i) => deref(dv, vec + 4 + 4 * i));
}

/**
 * @param {Uint8Array} modelBytes  a .tflite flatbuffer
 * @returns {{bytes: Uint8Array, patched: number}} a patched copy (or the input itself
 *   when nothing needed fixing) and the number of tensors fixed
 */
export function fixQuantizedDimensions(modelBytes) {
  const bytes = modelBytes.slice();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const MODEL_SUBGRAPHS = 2, SUBGRAPH_TENSORS = 0, TENSOR_SHAPE = 0, TENSOR_QUANT = 4, QUANT_DIM = 6;
  let patched = 0;
  for (const subgraph of tableVector(dv, deref(dv, 0), MODEL_SUBGRAPHS)) {
    for (const tensor of tableVector(dv, subgraph, SUBGRAPH_TENSORS)) {
      const quantField = fieldPos(dv, tensor, TENSOR_QUANT);
      if (quantField === 0) continue;
      const dimPos = fieldPos(dv, deref(dv, quantField), QUANT_DIM);
      if (dimPos === 0) continue;
      const shapeField = fieldPos(dv, tensor, TENSOR_SHAPE);
      const rank = shapeField === 0 ? 0 : u32(dv, deref(dv, shapeField));
      if (rank === 1 && dv.getInt32(dimPos, true) > 0) {
        dv.setInt32(dimPos, 0, true);
        patched++;
      }
    }
  }
  return { bytes: patched > 0 ? bytes : modelBytes, patched };
}

// --- ARG_MAX with an int64 output --------------------------------------------------
//
// The peer's client copies outputs only for int32/float32/uint8/int8 tensors, so it
// cannot read DeepLab's int64 ARG_MAX output. argMaxToInt32() returns a copy where each
// ARG_MAX whose ArgMaxOptions.output_type is INT64 gets INT32 instead, and so do its
// output tensors. Class ids fit in int32, so the values are the same.

const INT64 = 4, INT32 = 2, ARG_MAX = 56;

/** Position of a scalar field, which must be stored (not left to its default) to be patched. */
function scalarField(dv, table, id, what) {
  const pos = fieldPos(dv, table, id);
  if (pos === 0) throw new Error(`cannot patch ${what}: the field is not stored`);
  return pos;
}

/**
 * @param {Uint8Array} modelBytes  a .tflite flatbuffer
 * @returns {{bytes: Uint8Array, patched: number}} a patched copy (or the input itself
 *   when there is no int64 ARG_MAX) and the number of operators changed
 */
export function argMaxToInt32(modelBytes) {
  const bytes = modelBytes.slice();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const MODEL_OPCODES = 1, MODEL_SUBGRAPHS = 2, SUBGRAPH_TENSORS = 0, SUBGRAPH_OPERATORS = 3;
  const OPCODE_DEPRECATED = 0, OPCODE_BUILTIN = 3, OP_OPCODE = 0, OP_OUTPUTS = 2, OP_OPTIONS = 4;
  const ARGMAX_OUTPUT_TYPE = 0, TENSOR_TYPE = 1;
  const model = deref(dv, 0);
  // The builtin code is in builtin_code (int32) in newer files, else in the deprecated byte.
  const isArgMax = tableVector(dv, model, MODEL_OPCODES).map((code) => {
    const wide = fieldPos(dv, code, OPCODE_BUILTIN);
    const narrow = fieldPos(dv, code, OPCODE_DEPRECATED);
    return Math.max(wide ? dv.getInt32(wide, true) : 0, narrow ? dv.getInt8(narrow) : 0) === ARG_MAX;
  });
  let patched = 0;
  for (const subgraph of tableVector(dv, model, MODEL_SUBGRAPHS)) {
    const tensors = tableVector(dv, subgraph, SUBGRAPH_TENSORS);
    for (const op of tableVector(dv, subgraph, SUBGRAPH_OPERATORS)) {
      const opcode = fieldPos(dv, op, OP_OPCODE);
      if (!isArgMax[opcode ? u32(dv, opcode) : 0]) continue;
      const options = fieldPos(dv, op, OP_OPTIONS);
      if (options === 0) continue;
      const typePos = scalarField(dv, deref(dv, options), ARGMAX_OUTPUT_TYPE, 'ArgMaxOptions.output_type');
      if (dv.getInt8(typePos) !== INT64) continue;
      dv.setInt8(typePos, INT32);
      const outputs = deref(dv, fieldPos(dv, op, OP_OUTPUTS));
      for (let i = 0; i < u32(dv, outputs); i++) {
        const tensor = tensors[dv.getInt32(outputs + 4 + 4 * i, true)];
        dv.setInt8(scalarField(dv, tensor, TENSOR_TYPE, 'Tensor.type'), INT32);
      }
      patched++;
    }
  }
  return { bytes: patched > 0 ? bytes : modelBytes, patched };
}
