// engine.js — load the edgeinfer WebAssembly module and give typed access to its memory.
//
// One Engine wraps one wasm instance; it can host many interpreters. The wasm is a
// standalone emscripten build: its only import is env.emscripten_notify_memory_growth.

import { EdgeInferError } from './errors.js';
import { Interpreter } from './interpreter.js';

const SIMD_WASM_URL = new URL('../wasm/edgeinfer-simd.wasm', import.meta.url);
const SCALAR_WASM_URL = new URL('../wasm/edgeinfer.wasm', import.meta.url);

const ALLOWED_IMPORTS = new Set(['env.emscripten_notify_memory_growth']);

const REQUIRED_EXPORTS = [
  'memory', 'ei_malloc', 'ei_free',
  'ei_create', 'ei_destroy', 'ei_status_code', 'ei_error_message',
  'ei_input_count', 'ei_output_count', 'ei_input_info', 'ei_output_info',
  'ei_input_data', 'ei_output_data', 'ei_set_input', 'ei_invoke', 'ei_get_output', 'ei_reset_state',
  'ei_arena_bytes', 'ei_tensor_count', 'ei_tensor_info_at', 'ei_tensor_data',
  'ei_op_count', 'ei_op_name', 'ei_op_input_count', 'ei_op_input',
  'ei_op_output_count', 'ei_op_output', 'ei_invoke_op',
];

// Smallest module using a SIMD128 instruction: (func i32.const 0 i8x16.splat drop).
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: one type () -> ()
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x09, 0x01, 0x07, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x1a, 0x0b, // code
]);

/** True when this JS engine can run WebAssembly SIMD128. */
export function simdSupported() {
  return WebAssembly.validate(SIMD_PROBE);
}

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

/**
 * Instantiate the engine.
 * @param {object} [options]
 * @param {ArrayBuffer|ArrayBufferView|URL|string|WebAssembly.Module} [options.wasm]
 *   the module to load: bytes, a URL, a path (Node) or a compiled module. Default: the
 *   SIMD build when SIMD128 is supported, else the scalar build, next to this package.
 * @param {boolean} [options.simd]  force the SIMD (true) or scalar (false) default build
 * @returns {Promise<Engine>}
 */
export async function loadEngine(options = {}) {
  let source = options.wasm;
  let variant = 'custom';
  if (source === undefined) {
    const simd = options.simd ?? simdSupported();
    source = simd ? SIMD_WASM_URL : SCALAR_WASM_URL;
    variant = simd ? 'simd' : 'scalar';
  }
  const module = await compile(source);
  checkImports(module);
  const instance = await WebAssembly.instantiate(module, {
    env: { emscripten_notify_memory_growth() {} },
  });
  checkExports(instance.exports);
  instance.exports._initialize?.();
  return new Engine(instance, variant);
}

async function compile(source) {
  try {
    if (source instanceof WebAssembly.Module) return source;
    if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
      return await WebAssembly.compile(source);
    }
    if (isNode && typeof source === 'string' && !hasScheme(source)) {
      return await WebAssembly.compile(await readNodeFile(source));
    }
    const url = toUrl(source);
    if (isNode && url.protocol === 'file:') {
      return await WebAssembly.compile(await readNodeFile(url));
    }
    return await compileFetched(url);
  } catch (err) {
    if (err instanceof EdgeInferError) throw err;
    const where = source instanceof URL || typeof source === 'string' ? ` ${source}` : '';
    const code = err instanceof WebAssembly.CompileError ? 'ENGINE_INVALID' : 'IO_ERROR';
    throw new EdgeInferError(code, `cannot load the wasm engine${where}: ${err.message}`, { cause: err });
  }
}

const hasScheme = (s) => /^[a-z][a-z0-9+.-]+:/i.test(s);

async function readNodeFile(pathOrUrl) {
  const { readFile } = await import('node:fs/promises');
  return readFile(pathOrUrl);
}

// A string with a scheme is a URL; any other string is a file path (Node, handled
// before this) or a URL relative to the page (browser).
function toUrl(source) {
  if (source instanceof URL) return source;
  if (typeof source !== 'string') {
    throw new EdgeInferError('INVALID_ARGUMENT', 'options.wasm must be bytes, a URL, a path or a WebAssembly.Module');
  }
  return hasScheme(source) ? new URL(source) : new URL(source, globalThis.location?.href);
}

async function compileFetched(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  // Streaming compilation needs the application/wasm type; fall back when it is missing.
  if (WebAssembly.compileStreaming && response.headers.get('content-type') === 'application/wasm') {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

function checkImports(module) {
  const unexpected = WebAssembly.Module.imports(module)
    .map((imp) => `${imp.module}.${imp.name}`)
    .filter((name) => !ALLOWED_IMPORTS.has(name));
  if (unexpected.length > 0) {
    throw new EdgeInferError('ENGINE_INVALID',
      `the wasm module needs imports this glue does not provide: ${unexpected.join(', ')}`);
  }
}

function checkExports(exports) {
  const missing = REQUIRED_EXPORTS.filter((name) => !(name in exports));
  if (missing.length > 0) {
    throw new EdgeInferError('ENGINE_INVALID', `the wasm module lacks exports: ${missing.join(', ')}`);
  }
}

/** One instantiated wasm module: its exports and helpers for its linear memory. */
export class Engine {
  constructor(instance, variant) {
    this.exports = instance.exports;
    this.memory = instance.exports.memory;
    /** 'simd', 'scalar' or 'custom' (wasm given by the caller). */
    this.variant = variant;
    this._u8 = new Uint8Array(this.memory.buffer);
  }

  /**
   * A byte view of all wasm memory. Memory growth (in ei_create, ei_malloc...) detaches
   * the old buffer, so never keep the view across such a call: ask again.
   */
  heap() {
    if (this._u8.buffer !== this.memory.buffer) this._u8 = new Uint8Array(this.memory.buffer);
    return this._u8;
  }

  /** A DataView on all wasm memory (same caveat as heap()). */
  view() {
    const heap = this.heap();
    if (this._dv?.buffer !== heap.buffer) this._dv = new DataView(heap.buffer);
    return this._dv;
  }

  /** Allocate `bytes` in wasm memory; throws OUT_OF_MEMORY instead of returning 0. */
  malloc(bytes) {
    const ptr = this.exports.ei_malloc(Math.max(bytes, 1)) >>> 0;
    if (ptr === 0) throw new EdgeInferError('OUT_OF_MEMORY', `cannot allocate ${bytes} bytes in wasm memory`);
    return ptr;
  }

  free(ptr) {
    if (ptr) this.exports.ei_free(ptr);
  }

  /** Copy bytes into fresh wasm memory; returns the pointer (free it with free()). */
  copyIn(bytes) {
    const ptr = this.malloc(bytes.byteLength);
    this.heap().set(bytes, ptr);
    return ptr;
  }

  /** The NUL-terminated UTF-8 string at ptr ('' for a null pointer). */
  readCString(ptr) {
    if (!ptr) return '';
    const heap = this.heap();
    let end = ptr;
    while (end < heap.length && heap[end] !== 0) end++;
    return new TextDecoder().decode(heap.subarray(ptr, end));
  }

  /**
   * Load a model: see Interpreter. Throws EdgeInferError when the model cannot be used.
   * @param {ArrayBuffer|ArrayBufferView} modelBytes
   * @param {{memoryLimit?: number}} [options]
   */
  createInterpreter(modelBytes, options) {
    return new Interpreter(this, modelBytes, options);
  }
}
