// worker.js — the engine in a dedicated Worker (browsers) or a worker_threads Worker
// (Node), for loadModel(source, {worker: true}). Started by worker-client.js.

import { loadModel } from './loader.js';
import { PORTABLE_OPTIONS, buffersOf, errorMessage } from './worker-protocol.js';

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
const port = isNode ? (await import('node:worker_threads')).parentPort : globalThis;
const post = (message, transfer = []) => port.postMessage(message, transfer);

let model = null;
let loading = null; // AbortController of the load in progress

async function load({ source, options }) {
  loading = new AbortController();
  const portable = Object.fromEntries(PORTABLE_OPTIONS.map((key) => [key, options[key]]));
  try {
    model = await loadModel(source, {
      ...portable,
      cache: options.cache !== false,
      signal: loading.signal,
      onProgress: (progress) => post({ type: 'progress', progress }),
    });
    post({ type: 'loaded', name: model.name, inputs: model.inputs, outputs: model.outputs });
  } catch (err) {
    post(errorMessage(err));
  } finally {
    loading = null;
  }
}

async function run({ id, inputs }) {
  try {
    const outputs = await model.run(inputs);
    post({ type: 'result', id, outputs }, buffersOf(outputs)); // fresh copies: move them
  } catch (err) {
    post(errorMessage(err, id));
  }
}

async function resetState({ id }) {
  try {
    await model.resetState();
    post({ type: 'result', id });
  } catch (err) {
    post(errorMessage(err, id));
  }
}

// Messages are handled in order: a reset sent after a run applies after that run.
function onMessage(message) {
  if (message.type === 'load') load(message);
  else if (message.type === 'abort') loading?.abort();
  else if (message.type === 'run') run(message);
  else if (message.type === 'reset') resetState(message);
  else if (message.type === 'dispose') {
    model?.dispose();
    model = null;
  }
}

if (isNode) port.on('message', onMessage);
else port.addEventListener('message', (event) => onMessage(event.data));
