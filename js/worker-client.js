// worker-client.js — loadModel(source, {worker: true}): the model lives in its own
// Worker (browsers: a module Worker; Node: worker_threads) behind the API of Model.

import { EdgeInferError } from './errors.js';
import { manifestUrl } from './manifest.js';
import { inputsInOrder } from './run-inputs.js';
import { PORTABLE_OPTIONS, buffersOf, errorFromMessage } from './worker-protocol.js';

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * One interface over both kinds of worker: post(message, transfer), onMessage(fn),
 * onFailure(fn), terminate(), and busy(flag) so an idle Node worker does not keep the
 * process alive.
 */
async function startWorker() {
  if (isNode) {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(WORKER_URL);
    return {
      post: (message, transfer) => worker.postMessage(message, transfer),
      onMessage: (fn) => worker.on('message', fn),
      onFailure: (fn) => {
        worker.on('error', (err) => fn(err.message));
        worker.on('exit', (code) => fn(`the worker exited (code ${code})`));
      },
      terminate: () => worker.terminate(),
      busy: (flag) => (flag ? worker.ref() : worker.unref()),
    };
  }
  const worker = new Worker(WORKER_URL, { type: 'module' });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (fn) => worker.addEventListener('message', (event) => fn(event.data)),
    onFailure: (fn) => {
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        fn(event.message || 'the worker script failed to load');
      });
      worker.addEventListener('messageerror', () => fn('a message from the worker could not be read'));
    },
    terminate: () => worker.terminate(),
    busy: () => {},
  };
}

// Bytes as they are; a URL made absolute here: relative URLs are relative to the page, not to worker.js.
const portableSource = (source) => (source instanceof ArrayBuffer || ArrayBuffer.isView(source) ? source : manifestUrl(source));

export async function loadModelInWorker(source, options) {
  if (options.engine || (typeof options.cache === 'object' && options.cache !== null)) {
    throw new EdgeInferError('INVALID_ARGUMENT', 'options.engine and a cache object cannot be used with worker: true');
  }
  const portable = portableSource(source);
  let worker;
  try {
    worker = await startWorker();
  } catch (err) {
    throw new EdgeInferError('WORKER_FAILED', `cannot start a worker for the model: ${err.message}`, { cause: err });
  }
  const model = new WorkerModel(worker);
  try {
    await WorkerModel.load(model, portable, options);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

/** A model running in a worker: the same API as Model, plus run(inputs, {transfer}). */
export class WorkerModel {
  #worker;
  #pending = new Map(); // request id → {resolve, reject}; 'load' for the load
  #nextId = 1;
  #failure = null; // an EdgeInferError once the worker is gone
  #onProgress = null;

  constructor(worker) {
    this.#worker = worker;
    this.name = '';
    this.inputs = Object.freeze([]);
    this.outputs = Object.freeze([]);
    worker.onMessage((message) => this.#receive(message));
    worker.onFailure((why) => this.#fail(new EdgeInferError('WORKER_FAILED', `the model's worker stopped: ${why}`)));
  }

  /** Load the model in the worker (a static method: not part of a model's API). */
  static load(model, source, options) {
    const { signal, onProgress } = options;
    model.#onProgress = onProgress ?? null;
    const portable = Object.fromEntries(PORTABLE_OPTIONS.map((key) => [key, options[key]]));
    const done = model.#request('load', { type: 'load', source, options: { ...portable, cache: options.cache } });
    if (signal) {
      // The worker answers with ABORTED once its downloads have stopped and the shards
      // verified so far are stored: stopping it sooner could cut a cache write short.
      const abort = () => model.#worker.post({ type: 'abort' });
      signal.addEventListener('abort', abort, { once: true });
      done.finally(() => signal.removeEventListener('abort', abort)).catch(() => {});
    }
    return done;
  }

  /**
   * Run the model once in the worker.
   * @param inputs  as for Model.run
   * @param {{transfer?: boolean}} [options]  transfer: move the inputs' buffers to the
   *   worker instead of copying them (they become unusable here)
   * @returns {Promise<ArrayBufferView[]>}
   */
  async run(inputs, { transfer = false } = {}) {
    if (this.#failure) throw this.#failure;
    const list = inputsInOrder(inputs, this.inputs);
    const id = this.#nextId++;
    return this.#request(id, { type: 'run', id, inputs: list }, transfer ? buffersOf(list) : []);
  }

  /**
   * Set a stateful model's state back to zero (see Model.resetState), after the runs
   * requested before this call.
   * @returns {Promise<void>}
   */
  async resetState() {
    if (this.#failure) throw this.#failure;
    const id = this.#nextId++;
    await this.#request(id, { type: 'reset', id });
  }

  /** Stop the worker and free everything. Later run() calls fail with INVALID_STATE. */
  dispose() {
    if (this.#failure) return;
    this.#worker.post({ type: 'dispose' });
    this.#worker.terminate();
    this.#fail(new EdgeInferError('INVALID_STATE', 'the model has been disposed'));
  }

  #request(id, message, transfer = []) {
    if (this.#failure) return Promise.reject(this.#failure);
    const reply = new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#worker.busy(true);
    try {
      this.#worker.post(message, transfer);
    } catch (err) { // e.g. a buffer that cannot be copied or transferred
      const error = new EdgeInferError('INVALID_ARGUMENT', `cannot send this to the worker: ${err.message}`, { cause: err });
      this.#settle(id, 'reject', error);
    }
    return reply;
  }

  #settle(id, how, value) {
    const request = this.#pending.get(id);
    if (!request) return;
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.busy(false);
    request[how](value);
  }

  #receive(message) {
    if (message.type === 'progress') {
      this.#onProgress?.(message.progress);
    } else if (message.type === 'loaded') {
      this.name = message.name;
      this.inputs = deepFreeze(message.inputs);
      this.outputs = deepFreeze(message.outputs);
      this.#settle('load', 'resolve');
    } else if (message.type === 'result') {
      this.#settle(message.id, 'resolve', message.outputs);
    } else if (message.type === 'error') {
      this.#settle(message.id ?? 'load', 'reject', errorFromMessage(message));
    }
  }

  #fail(error) {
    if (this.#failure) return;
    this.#failure = error;
    for (const id of [...this.#pending.keys()]) this.#settle(id, 'reject', error);
    this.#worker.busy(false);
  }
}

function deepFreeze(descriptions) {
  for (const d of descriptions) Object.freeze(Object.freeze(d).shape);
  return Object.freeze(descriptions);
}
