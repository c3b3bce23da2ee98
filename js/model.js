// model.js — the object loadModel() resolves to on the main thread (worker mode has the
// same API in worker-client.js).

import { EdgeInferError } from './errors.js';
import { tensorDescription } from './manifest.js';
import { inputsInOrder } from './run-inputs.js';

const frozenDescriptions = (list) => Object.freeze(list.map((t) => {
  const d = tensorDescription(t);
  Object.freeze(d.shape);
  return Object.freeze(d);
}));

export class Model {
  #interpreter;

  /**
   * @param {import('./interpreter.js').Interpreter} interpreter  owned from now on
   * @param {string} name
   */
  constructor(interpreter, name) {
    this.#interpreter = interpreter;
    /** The model's name (from its manifest; '' for a model given as bytes). */
    this.name = name;
    /** @type {ReadonlyArray<{name: string, shape: readonly number[], dtype: string, scale: number, zeroPoint: number}>} */
    this.inputs = frozenDescriptions(interpreter.inputs);
    /** Output descriptions, in output order. */
    this.outputs = frozenDescriptions(interpreter.outputs);
  }

  /**
   * Run the model once.
   * @param inputs  a typed array, an array of them in input order, or an object keyed by input name
   * @returns {Promise<ArrayBufferView[]>} the outputs in output order, each as the typed array of its dtype
   */
  async run(inputs) {
    if (this.#interpreter === null) throw new EdgeInferError('INVALID_STATE', 'the model has been disposed');
    return this.#interpreter.run(inputsInOrder(inputs, this.inputs));
  }

  /**
   * Stateful models (recurrent ones such as an LSTM) carry their state from one run() to
   * the next; this sets it back to zero, as right after loading.
   * @returns {Promise<void>}
   */
  async resetState() {
    if (this.#interpreter === null) throw new EdgeInferError('INVALID_STATE', 'the model has been disposed');
    this.#interpreter.resetState();
  }

  /** Free the model's memory. Later run() calls fail with INVALID_STATE. */
  dispose() {
    this.#interpreter?.dispose();
    this.#interpreter = null;
  }
}
