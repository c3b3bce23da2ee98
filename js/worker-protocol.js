// worker-protocol.js — what crosses between worker-client.js and worker.js.
//
// client → worker: {type: 'load', source, options}  {type: 'abort'}
//                  {type: 'run', id, inputs}         {type: 'dispose'}
//                  {type: 'reset', id}               (answered by a result without outputs)
// worker → client: {type: 'progress', progress}      {type: 'loaded', name, inputs, outputs}
//                  {type: 'result', id, outputs}     {type: 'error', id?, code, message}

import { EdgeInferError } from './errors.js';

/** loadModel() options that can be sent to a worker (functions, signals and objects cannot). */
export const PORTABLE_OPTIONS = ['cacheDir', 'concurrency', 'retries', 'retryDelayMs', 'stallTimeoutMs',
  'maxMemoryBytes', 'refreshManifest'];

export function errorMessage(err, id) {
  return {
    type: 'error', id,
    code: err instanceof EdgeInferError ? err.code : 'INTERNAL',
    message: String(err?.message ?? err),
  };
}

export const errorFromMessage = ({ code, message }) => new EdgeInferError(code, message);

/** The distinct ArrayBuffers behind some typed arrays / ArrayBuffers (for a transfer list). */
export function buffersOf(list) {
  const buffers = new Set();
  for (const item of list) {
    const buffer = item instanceof ArrayBuffer ? item : item?.buffer;
    if (buffer instanceof ArrayBuffer) buffers.add(buffer);
  }
  return [...buffers];
}
