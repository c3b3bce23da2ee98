// interpreter.js — one loaded model inside an Engine: describe, feed, run, read back.

import { EdgeInferError, codeForStatus } from './errors.js';

// Numbered as TFLite's TensorType (ei_dtype in src/edgeinfer.h).
const DTYPE_NAMES = ['float32', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool',
  'int16', 'complex64', 'int8', 'float64'];

// The typed-array class a tensor of each dtype is returned as. float16 has no JS typed
// array in Node 20: its raw bits come back as Uint16Array.
const ARRAY_TYPES = {
  float32: Float32Array, float16: Uint16Array, int32: Int32Array, uint8: Uint8Array,
  int64: BigInt64Array, string: Uint8Array, bool: Uint8Array, int16: Int16Array,
  complex64: Float32Array, int8: Int8Array, float64: Float64Array,
};

// ei_tensor_info as laid out in wasm32 memory.
const INFO_BYTES = 52;
const INFO_DTYPE = 0, INFO_RANK = 4, INFO_DIMS = 8, INFO_SCALE = 32, INFO_ZERO_POINT = 36;
const INFO_BYTE_SIZE = 40, INFO_QUANT_CHANNELS = 44, INFO_NAME = 48;
const MAX_RANK = 6;

/** The typed-array class for a dtype name ('int8' → Int8Array); Uint8Array if unknown. */
export function arrayTypeFor(dtype) {
  return ARRAY_TYPES[dtype] ?? Uint8Array;
}

/** A Uint8Array over the bytes of a typed array, DataView or ArrayBuffer (no copy). */
function asBytes(data, what) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new EdgeInferError('INVALID_ARGUMENT', `${what} must be a typed array or ArrayBuffer`);
}

/**
 * A model loaded into wasm memory, planned and ready to run. The engine does not copy
 * the model, so its bytes stay in wasm memory until dispose().
 */
export class Interpreter {
  #engine;
  #ip = 0;
  #modelPtr = 0;
  #infoPtr = 0;

  /**
   * @param {import('./engine.js').Engine} engine
   * @param {ArrayBuffer|ArrayBufferView} modelBytes  a .tflite flatbuffer
   * @param {{memoryLimit?: number, modelPtr?: number}} [options]  memoryLimit: bytes the
   *   engine may allocate (0 = no limit). modelPtr: the model is already in wasm memory at
   *   this engine.malloc() address (modelBytes is then the heap view on it): it is used in
   *   place, and the interpreter owns it from now on, even if this constructor throws.
   */
  constructor(engine, modelBytes, { memoryLimit = 0, modelPtr = 0 } = {}) {
    const bytes = asBytes(modelBytes, 'the model');
    const size = bytes.byteLength; // read now: a heap view detaches when memory grows
    this.#engine = engine;
    try {
      this.#modelPtr = modelPtr || engine.copyIn(bytes);
      this.#infoPtr = engine.malloc(INFO_BYTES);
      this.#ip = engine.exports.ei_create(this.#modelPtr, size, memoryLimit) >>> 0;
      if (this.#ip === 0) throw new EdgeInferError('OUT_OF_MEMORY', 'cannot allocate the interpreter');
      this.#check(this.#c.ei_status_code(this.#ip), 'the model could not be loaded');
      /** Input descriptors, in input order: {name, shape, dtype, scale, zeroPoint, bytes, quantChannels}. */
      this.inputs = this.#describeAll(this.#c.ei_input_count(this.#ip), this.#c.ei_input_info);
      /** Output descriptors, in output order. */
      this.outputs = this.#describeAll(this.#c.ei_output_count(this.#ip), this.#c.ei_output_info);
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  get #c() {
    return this.#engine.exports;
  }

  /** The live interpreter pointer; throws once disposed. */
  get #live() {
    if (this.#ip === 0) throw new EdgeInferError('INVALID_STATE', 'the interpreter has been disposed');
    return this.#ip;
  }

  /** Throw an EdgeInferError for a nonzero ei_status, with the engine's message. */
  #check(status, fallbackMessage) {
    if (status === 0) return;
    const message = this.#engine.readCString(this.#c.ei_error_message(this.#ip) >>> 0);
    throw new EdgeInferError(codeForStatus(status), message || fallbackMessage);
  }

  #describeAll(count, infoFn) {
    const list = [];
    for (let i = 0; i < count; i++) list.push(this.#describe(infoFn, i));
    return Object.freeze(list);
  }

  #describe(infoFn, index) {
    this.#check(infoFn(this.#live, index, this.#infoPtr), `cannot describe tensor ${index}`);
    const view = this.#engine.view();
    const at = this.#infoPtr;
    const dtypeCode = view.getInt32(at + INFO_DTYPE, true);
    const rank = Math.min(Math.max(view.getInt32(at + INFO_RANK, true), 0), MAX_RANK);
    const shape = [];
    for (let d = 0; d < rank; d++) shape.push(view.getInt32(at + INFO_DIMS + 4 * d, true));
    return Object.freeze({
      name: this.#engine.readCString(view.getUint32(at + INFO_NAME, true)),
      shape: Object.freeze(shape),
      dtype: DTYPE_NAMES[dtypeCode] ?? `dtype${dtypeCode}`,
      scale: view.getFloat32(at + INFO_SCALE, true),
      zeroPoint: view.getInt32(at + INFO_ZERO_POINT, true),
      bytes: view.getUint32(at + INFO_BYTE_SIZE, true),
      quantChannels: view.getInt32(at + INFO_QUANT_CHANNELS, true),
    });
  }

  /** Bytes of activation memory the plan uses. */
  get arenaBytes() {
    return this.#c.ei_arena_bytes(this.#live) >>> 0;
  }

  /**
   * Run the model once.
   * @param {ArrayBufferView|ArrayBuffer|Array<ArrayBufferView|ArrayBuffer>} inputs
   *   one buffer per input, in input order (a single buffer for a one-input model);
   *   the bytes are taken as they are, so any typed array of the right byte size works.
   * @returns {Array<ArrayBufferView>} a copy of every output, as the typed array of its dtype
   */
  run(inputs) {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== this.inputs.length) {
      throw new EdgeInferError('INPUT_MISMATCH',
        `the model has ${this.inputs.length} input(s), got ${list.length}`);
    }
    list.forEach((data, i) => this.setInput(i, data));
    this.invoke();
    return this.outputs.map((_, i) => this.getOutput(i));
  }

  /** Copy the bytes of input `index` into the engine (checked against its byte size). */
  setInput(index, data) {
    const info = this.inputs[index];
    if (info === undefined) {
      throw new EdgeInferError('INPUT_MISMATCH', `no input ${index} (the model has ${this.inputs.length})`);
    }
    const bytes = asBytes(data, `input ${index}`);
    if (bytes.byteLength !== info.bytes) {
      throw new EdgeInferError('INPUT_MISMATCH',
        `input ${index} "${info.name}" needs ${info.bytes} bytes (${info.dtype} [${info.shape}]), got ${bytes.byteLength}`);
    }
    const ptr = this.#c.ei_input_data(this.#live, index) >>> 0;
    if (ptr === 0) {
      this.#check(this.#c.ei_status_code(this.#ip), `input ${index} has no buffer`);
      throw new EdgeInferError('INVALID_STATE', `input ${index} has no buffer`);
    }
    this.#engine.heap().set(bytes, ptr);
  }

  /** Run every operator once on the inputs set before. */
  invoke() {
    this.#check(this.#c.ei_invoke(this.#live), 'inference failed');
  }

  /**
   * Stateful models (recurrent ones such as an LSTM) keep their state from one run to the
   * next, as in TFLite. This sets it back to zero, as right after loading.
   */
  resetState() {
    this.#check(this.#c.ei_reset_state(this.#live), 'cannot reset the state');
  }

  /** A copy of output `index`, as the typed array of its dtype. */
  getOutput(index) {
    const info = this.outputs[index];
    if (info === undefined) {
      throw new EdgeInferError('INVALID_ARGUMENT', `no output ${index} (the model has ${this.outputs.length})`);
    }
    const ptr = this.#c.ei_output_data(this.#live, index) >>> 0;
    if (ptr === 0) throw new EdgeInferError('INVALID_STATE', `output ${index} has no buffer`);
    return copyAs(info.dtype, this.#engine.heap().subarray(ptr, ptr + info.bytes));
  }

  /** Free the interpreter and the model copy. Safe to call twice. */
  dispose() {
    if (this.#ip !== 0) this.#c.ei_destroy(this.#ip);
    this.#engine.free(this.#modelPtr);
    this.#engine.free(this.#infoPtr);
    this.#ip = this.#modelPtr = this.#infoPtr = 0;
  }

  // --- Introspection, for tools and tests. Tensors and operators are numbered as in
  // the model's subgraph 0; operators in execution order.

  get tensorCount() {
    return this.#c.ei_tensor_count(this.#live);
  }

  /** Descriptor of tensor `t` (as for inputs). */
  tensorInfo(t) {
    this.#checkIndex(t, this.tensorCount, 'tensor');
    return this.#describe(this.#c.ei_tensor_info_at, t);
  }

  /**
   * A live Uint8Array on tensor `t`'s bytes in wasm memory (null when it holds none).
   * Writing to it writes the tensor. It is invalid after anything that may grow memory.
   */
  tensorData(t) {
    const info = this.tensorInfo(t);
    const ptr = this.#c.ei_tensor_data(this.#live, t) >>> 0;
    return ptr === 0 ? null : this.#engine.heap().subarray(ptr, ptr + info.bytes);
  }

  get opCount() {
    return this.#c.ei_op_count(this.#live);
  }

  /** Builtin operator name, e.g. 'CONV_2D'. */
  opName(k) {
    this.#checkIndex(k, this.opCount, 'operator');
    return this.#engine.readCString(this.#c.ei_op_name(this.#live, k) >>> 0);
  }

  /** Tensor indices of operator k's inputs (-1 for an omitted optional input). */
  opInputs(k) {
    this.#checkIndex(k, this.opCount, 'operator');
    const n = this.#c.ei_op_input_count(this.#live, k);
    return Array.from({ length: n }, (_, i) => this.#c.ei_op_input(this.#ip, k, i));
  }

  /** Tensor indices of operator k's outputs. */
  opOutputs(k) {
    this.#checkIndex(k, this.opCount, 'operator');
    const n = this.#c.ei_op_output_count(this.#live, k);
    return Array.from({ length: n }, (_, i) => this.#c.ei_op_output(this.#ip, k, i));
  }

  /** Run operator k alone, on whatever its input tensors hold now. */
  invokeOp(k) {
    this.#checkIndex(k, this.opCount, 'operator');
    this.#check(this.#c.ei_invoke_op(this.#live, k), `operator ${k} failed`);
  }

  #checkIndex(i, count, what) {
    if (!Number.isInteger(i) || i < 0 || i >= count) {
      throw new EdgeInferError('INVALID_ARGUMENT', `no ${what} ${i} (the model has ${count})`);
    }
  }
}

// Copy bytes into a fresh typed array of the dtype's class (fresh memory is aligned).
function copyAs(dtype, bytes) {
  const copy = bytes.slice();
  const Type = arrayTypeFor(dtype);
  if (copy.byteLength % Type.BYTES_PER_ELEMENT !== 0) return copy;
  return new Type(copy.buffer);
}
