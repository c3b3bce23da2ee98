// face-page.js — face detection per camera frame in the bench page (make bench-browser):
// what one frame of the demo's camera mode costs, detectFaces() on a 640x480 frame
// (letterbox to 128x128 + run + decode + NMS), with our engine in a Worker (as the demo
// runs it) and on the main thread, and with TFLite-wasm (tfjs-tflite, XNNPACK) on the
// main thread, in the same page on the same frame and the same model bytes.
//
// Method as core.js: a warm-up of each by time, then timed frames alternating the
// runtimes, the order flipping every round. A frame's time includes preparing the input
// from the ImageData; "inference" is the model's run() alone (for the Worker: the round
// trip, messages included).

import { detectFaces, iou } from '../js/face.js';
import { loadModel } from '../js/index.js';
import { median } from './core.js';
import { loadPeerModule, PeerModel, peerFloatModel } from './peer.js';

const FRAME_WIDTH = 640;
const FRAME_HEIGHT = 480;

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

/** The demo test's camera frame: the photo fitted into 640x480 on mid-grey (browser resize). */
async function cameraFrame(photoUrl) {
  const bitmap = await createImageBitmap(await (await fetchOk(photoUrl)).blob());
  const canvas = new OffscreenCanvas(FRAME_WIDTH, FRAME_HEIGHT);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.fillStyle = 'rgb(128, 128, 128)';
  context.fillRect(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
  const fit = Math.min(FRAME_WIDTH / bitmap.width, FRAME_HEIGHT / bitmap.height);
  const width = Math.round(bitmap.width * fit);
  const height = Math.round(bitmap.height * fit);
  context.drawImage(bitmap, (FRAME_WIDTH - width) >> 1, (FRAME_HEIGHT - height) >> 1, width, height);
  return context.getImageData(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
}

/** TFLite-wasm behind the model interface detectFaces() takes. */
async function peerFaceModel(manifestUrl, peerFiles) {
  const manifest = await (await fetchOk(manifestUrl)).json();
  const bytes = new Uint8Array(manifest.totalBytes);
  let offset = 0;
  for (const shard of manifest.shards) {
    bytes.set(new Uint8Array(await (await fetchOk(new URL(shard.hash, new URL(manifestUrl, location.href)))).arrayBuffer()), offset);
    offset += shard.bytes;
  }
  const { module } = await loadPeerModule(await (await fetchOk(peerFiles.glue)).text(),
    new Uint8Array(await (await fetchOk(peerFiles.wasm)).arrayBuffer()));
  const peer = new PeerModel(module, bytes, { numThreads: 1 });
  return peerFloatModel(peer, manifest);
}

/** A runtime: its model with run() timed, the times of its frames and runs. */
function runtime(name, model) {
  const rt = { name, model, frameMs: [], runMs: [], lastRunMs: 0, faces: null };
  rt.timedModel = {
    inputs: model.inputs,
    outputs: model.outputs,
    async run(input) {
      const t0 = performance.now();
      const outputs = await model.run(input);
      rt.lastRunMs = performance.now() - t0;
      return outputs;
    },
  };
  return rt;
}

async function frame(rt, image) {
  const t0 = performance.now();
  rt.faces = await detectFaces(rt.timedModel, image);
  return performance.now() - t0;
}

/**
 * @param {{manifest: string, photo: string, peer: {glue: string, wasm: string}|null, runs: number,
 *   warmupMs: number}} p  URLs of the model's manifest, of the photo and of the peer's files
 * @returns {Promise<object>} per runtime: median and min frame ms, median inference ms, faces found;
 *   errors of a runtime that could not load the model
 */
export async function benchFace({ manifest, photo, peer, runs, warmupMs }) {
  const image = await cameraFrame(photo);
  const result = { frame: `${FRAME_WIDTH}x${FRAME_HEIGHT}`, runs, warmup_ms: warmupMs, errors: {} };
  const runtimes = [];
  const loaders = {
    ours_worker: () => loadModel(manifest, { worker: true }),
    ours_main: () => loadModel(manifest),
    peer: peer ? () => peerFaceModel(manifest, peer) : null,
  };
  for (const [name, load] of Object.entries(loaders)) {
    if (!load) continue;
    try {
      const rt = runtime(name, await load());
      await frame(rt, image); // fails here when the engine cannot run the model
      runtimes.push(rt);
    } catch (err) {
      result.errors[name] = `${err.code ?? err.name}: ${err.message}`;
    }
  }
  for (const rt of runtimes) {
    const end = performance.now() + warmupMs;
    do await frame(rt, image); while (performance.now() < end);
  }
  for (let r = 0; r < runs; r++) {
    for (const rt of r % 2 === 0 ? runtimes : [...runtimes].reverse()) {
      rt.frameMs.push(await frame(rt, image));
      rt.runMs.push(rt.lastRunMs);
    }
  }
  const reference = runtimes.find((rt) => rt.name === 'peer')?.faces;
  for (const rt of runtimes) {
    Object.assign(result, {
      [`${rt.name}_ms`]: median(rt.frameMs),
      [`${rt.name}_min_ms`]: Math.min(...rt.frameMs),
      [`${rt.name}_inference_ms`]: median(rt.runMs),
      [`${rt.name}_faces`]: rt.faces.length,
    });
    if (reference?.length && rt.faces.length && rt.name !== 'peer') {
      result[`${rt.name}_iou_with_peer`] = iou(rt.faces[0].box, reference[0].box);
    }
    rt.model.dispose();
  }
  return result;
}
