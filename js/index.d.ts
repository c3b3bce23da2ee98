// index.d.ts — types for the edgeinfer package's main entry (hand-written; checked by
// tests/js/types.test.js with tsc --strict, with and without the DOM library).
// Browser and Node types are described by shape, so neither "dom" nor @types/node is needed.

/** Stable codes of EdgeInferError. */
export type ErrorCode =
  | 'FETCH_FAILED' | 'SHARD_CORRUPT' | 'MANIFEST_INVALID' | 'MODEL_INVALID' | 'UNSUPPORTED_OP'
  | 'INPUT_MISMATCH' | 'OUT_OF_MEMORY' | 'ABORTED' | 'INVALID_STATE' | 'INVALID_ARGUMENT'
  | 'IO_ERROR' | 'IMAGE_DECODE_FAILED' | 'UNSUPPORTED' | 'ENGINE_INVALID' | 'WORKER_FAILED' | 'INTERNAL';

/** The one error type edgeinfer throws. */
export class EdgeInferError extends Error {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown });
  readonly name: 'EdgeInferError';
  readonly code: ErrorCode;
}

export type DType = 'float32' | 'float16' | 'int32' | 'uint8' | 'int64' | 'string' | 'bool' | 'int16'
  | 'complex64' | 'int8' | 'float64';

/** A model input or output: real value = (q - zeroPoint) × scale. */
export interface TensorInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly scale: number;
  readonly zeroPoint: number;
}

/** An output comes back as the typed array of its dtype (float16: raw bits as Uint16Array). */
export type TensorData = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Float32Array
  | Float64Array | BigInt64Array;

/** Input bytes: a typed array with one element per tensor element, or raw bytes. */
export type InputData = ArrayBufferView | ArrayBuffer;

/** A typed array (one-input models), an array of them in input order, or an object keyed by input name. */
export type Inputs = InputData | readonly InputData[] | { readonly [inputName: string]: InputData };

export interface Progress {
  /** Bytes received or read so far (may step back when a failed download is retried). */
  loadedBytes: number;
  totalBytes: number;
  /** True when the bytes just counted came from the cache. */
  fromCache: boolean;
}

/** What AbortController.signal provides. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A URL object (or anything with an absolute or page-relative href). */
export interface URLLike {
  readonly href: string;
}

/** Where verified shards are kept; any object with these methods can replace the default. */
export interface ShardCache {
  getShard(hash: string): Promise<Uint8Array | null>;
  putShard(hash: string, bytes: Uint8Array): Promise<void>;
  deleteShard(hash: string): Promise<void>;
  getManifest(url: string): Promise<string | null>;
  putManifest(url: string, text: string): Promise<void>;
}

export interface LoadOptions {
  /** Run the engine in a dedicated Worker (browsers) or worker_threads Worker (Node). */
  worker?: boolean;
  /** Fail with OUT_OF_MEMORY, before allocating, if the model plus the engine's memory would exceed this. */
  maxMemoryBytes?: number;
  /** Called as bytes arrive or are read from the cache. */
  onProgress?: (progress: Progress) => void;
  /** Abort the load: it rejects with ABORTED; shards verified so far stay cached. */
  signal?: AbortSignalLike;
  /** Shard downloads at once (default 4). */
  concurrency?: number;
  /** Retries of a failed request (default 3), waiting retryDelayMs × 2^n (default 500 ms) with jitter. */
  retries?: number;
  retryDelayMs?: number;
  /** Give up on a request (and retry it) when no byte arrives for this long (default 15000 ms). */
  stallTimeoutMs?: number;
  /** false: no cache. Default: Cache Storage or IndexedDB (browsers), a directory (Node). */
  cache?: boolean | ShardCache;
  /** Node: the cache directory (default $XDG_CACHE_HOME/edgeinfer or ~/.cache/edgeinfer). */
  cacheDir?: string;
  /** Fetch the manifest again (falling back to the cached one offline) instead of reusing the cached one. */
  refreshManifest?: boolean;
  /** Main thread only: load into this engine instead of the shared default one. */
  engine?: Engine;
}

/** A loaded model (made by loadModel(), not by this constructor). */
export class Model {
  private constructor();
  /** The name in its manifest ('' for a model given as bytes). */
  readonly name: string;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** Run once; resolves to the outputs in output order. */
  run(inputs: Inputs): Promise<TensorData[]>;
  /**
   * Stateful models (e.g. an LSTM) carry their state from one run to the next, as in
   * TFLite; this sets it back to zero, as right after loading. No effect on other models.
   */
  resetState(): Promise<void>;
  /** Free its memory (worker mode: stop the worker). Later calls to run() fail with INVALID_STATE. */
  dispose(): void;
}

/** A model running in a Worker. */
export interface WorkerModel extends Model {
  /**
   * transfer: move the inputs' ArrayBuffers to the worker instead of copying them: they
   * become unusable here (the whole ArrayBuffer behind each typed array moves).
   */
  run(inputs: Inputs, options?: { transfer?: boolean }): Promise<TensorData[]>;
}

/** The manifest.json written by `edgeinfer shard`. */
export interface Manifest {
  formatVersion: 1;
  name: string;
  totalBytes: number;
  /** SHA-256 of the whole model, lowercase hex. */
  sha256: string;
  /** In order; each file is named by its hash, next to the manifest. */
  shards: { hash: string; bytes: number }[];
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

/** A manifest URL, or the .tflite bytes. */
export type ModelSource = string | URLLike | ArrayBuffer | Uint8Array;

/** Load a model from its manifest URL (made by `edgeinfer shard`) or from its .tflite bytes. */
export function loadModel(source: ModelSource, options: LoadOptions & { worker: true }): Promise<WorkerModel>;
export function loadModel(source: ModelSource, options?: LoadOptions): Promise<Model>;

/** The manifest alone (cached like loadModel's), e.g. to prepare inputs before the model arrives. */
export function loadManifest(url: string | URLLike, options?: Pick<LoadOptions,
  'cache' | 'cacheDir' | 'refreshManifest' | 'retries' | 'retryDelayMs' | 'stallTimeoutMs' | 'signal'>): Promise<Manifest>;

/** Pixels in memory: ImageData, or a decoded image with 1 (gray), 3 (RGB) or 4 (RGBA) bytes per pixel. */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: ArrayLike<number>;
  readonly channels?: 1 | 3 | 4;
}

/** What a 2D canvas can draw: ImageBitmap, HTMLImageElement, HTMLVideoElement, HTMLCanvasElement, OffscreenCanvas, VideoFrame. */
export type Drawable = { readonly width: number; readonly height: number }
  | { readonly displayWidth: number; readonly displayHeight: number };

/**
 * The input tensor for an image: bilinear resize (half-pixel centres) to the input's size,
 * RGB or grayscale, uint8 as-is or int8 = pixel - 128.
 * @param model  a loaded model (input `inputIndex`, default 0) or one input's description
 */
export function imageToTensor(source: Pixels | Drawable, model: { readonly inputs: readonly TensorInfo[] } | TensorInfo,
  inputIndex?: number): Uint8Array | Int8Array;

export interface TopKEntry {
  index: number;
  /** labels[index], or null without labels. */
  label: string | null;
  /** The raw output value. */
  value: number;
  /** (value - zeroPoint) × scale when `info` is given, else value. */
  score: number;
}

/** The k largest values of one output (ties: lower index first). */
export function topK(output: ArrayLike<number | bigint>, labels?: ArrayLike<string> | null, k?: number,
  info?: Pick<TensorInfo, 'scale' | 'zeroPoint'>): TopKEntry[];

// --- Lower level: one wasm engine instance and synchronous interpreters on it.

export interface InterpreterTensorInfo extends TensorInfo {
  /** Bytes the tensor holds. */
  readonly bytes: number;
  /** Quantization channels: 0 none, 1 per-tensor, more: per-channel (scale and zeroPoint of channel 0). */
  readonly quantChannels: number;
}

export class Interpreter {
  readonly inputs: readonly InterpreterTensorInfo[];
  readonly outputs: readonly InterpreterTensorInfo[];
  readonly arenaBytes: number;
  readonly tensorCount: number;
  readonly opCount: number;
  /** Synchronous run: one buffer per input in input order (raw bytes of the right size). */
  run(inputs: InputData | readonly InputData[]): TensorData[];
  setInput(index: number, data: InputData): void;
  invoke(): void;
  /** Set a stateful model's state (variable tensors) back to zero, as right after loading. */
  resetState(): void;
  getOutput(index: number): TensorData;
  tensorInfo(index: number): InterpreterTensorInfo;
  tensorData(index: number): Uint8Array | null;
  opName(index: number): string;
  opInputs(index: number): number[];
  opOutputs(index: number): number[];
  invokeOp(index: number): void;
  dispose(): void;
}

export class Engine {
  /** 'simd', 'scalar' or 'custom'. */
  readonly variant: 'simd' | 'scalar' | 'custom';
  createInterpreter(modelBytes: InputData, options?: { memoryLimit?: number }): Interpreter;
}

export interface EngineOptions {
  /** The engine module: bytes, a URL, a path (Node) or a compiled module. */
  wasm?: ArrayBuffer | ArrayBufferView | URLLike | string | object;
  /** Force the SIMD (true) or scalar (false) build. */
  simd?: boolean;
}

export function loadEngine(options?: EngineOptions): Promise<Engine>;
export function simdSupported(): boolean;
/** Load .tflite bytes on the shared default engine. */
export function createInterpreter(modelBytes: InputData, options?: { memoryLimit?: number }): Promise<Interpreter>;
