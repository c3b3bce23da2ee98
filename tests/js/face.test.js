// face.test.js — js/face.js (BlazeFace short-range post-processing) on synthetic outputs,
// then end to end: face_detection_short_range run by TFLite (tfjs-tflite, bench/peer.js)
// on the astronaut photo from Debian's python3-skimage finds her face; and the fake
// camera video that scripts/make-y4m.js writes.
//
// The model and the photo are made by models/make-models.js and scripts/make-y4m.js
// (both idempotent), which this test runs; the first run needs the npm and Debian
// registries.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPeerModule, PeerModel, peerFloatModel } from '../../bench/peer.js';
import { peerFiles } from '../../bench/node.js';
import { decodeDetections, detectFaces, faceInput, iou, ssdAnchors, weightedNms } from '../../js/face.js';
import { astronautImage, fitOnGrey, rgbToI420, y4mFile } from '../../scripts/make-y4m.js';
import { exec, REPO } from './support.js';

const close = (actual, expected, what, tolerance = 1e-6) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected}`);

function assertBox(actual, expected, what, tolerance = 1e-6) {
  for (const key of ['xMin', 'yMin', 'width', 'height']) close(actual[key], expected[key], `${what} ${key}`, tolerance);
}

// --- Anchors

test('896 anchors: 16x16 cells × 2 at stride 8, then 8x8 cells × 6 at stride 16', () => {
  const anchors = ssdAnchors();
  assert.equal(anchors.length, 896);
  assert.deepEqual(anchors[0], { x: 0.5 / 16, y: 0.5 / 16 });
  assert.deepEqual(anchors[1], anchors[0]);
  assert.deepEqual(anchors[2], { x: 1.5 / 16, y: 0.5 / 16 });
  assert.deepEqual(anchors[32], { x: 0.5 / 16, y: 1.5 / 16 }); // second row
  assert.deepEqual(anchors[511], { x: 15.5 / 16, y: 15.5 / 16 });
  for (let k = 512; k < 518; k++) assert.deepEqual(anchors[k], { x: 0.5 / 8, y: 0.5 / 8 });
  assert.deepEqual(anchors[518], { x: 1.5 / 8, y: 0.5 / 8 });
  assert.deepEqual(anchors[895], { x: 7.5 / 8, y: 7.5 / 8 });
  // Other sizes and strides follow the same scheme (grid = ceil(size / stride)).
  assert.equal(ssdAnchors({ width: 256, height: 256 }).length, 32 * 32 * 2 + 16 * 16 * 6);
  assert.equal(ssdAnchors({ width: 100, height: 60, strides: [16, 32] }).length, 7 * 4 * 2 + 4 * 2 * 2);
});

// --- Decoding

/** Outputs for `count` anchors, all with logit -10, and one detection at anchor `index`. */
function syntheticOutputs(count, index, logit, values) {
  const regressors = new Float32Array(count * 16);
  const classificators = new Float32Array(count).fill(-10);
  regressors.set(values, index * 16);
  classificators[index] = logit;
  return { regressors, classificators };
}

test('decoding: sigmoid score, box and keypoints relative to the anchor, ÷ 128', () => {
  const anchors = ssdAnchors();
  const keypointValues = [0, 0, 12.8, 0, 0, 12.8, -12.8, 0, 0, -12.8, 6.4, 6.4];
  const { regressors, classificators } = syntheticOutputs(896, 600, 2, [12.8, -6.4, 32, 64, ...keypointValues]);
  const [d, ...rest] = decodeDetections(regressors, classificators, anchors);
  assert.equal(rest.length, 0, 'only the anchor with a score ≥ 0.5');
  const a = anchors[600];
  close(d.score, 1 / (1 + Math.exp(-2)), 'score');
  const xCenter = a.x + 0.1, yCenter = a.y - 0.05, width = 0.25, height = 0.5;
  assertBox(d.box, { xMin: xCenter - width / 2, yMin: yCenter - height / 2, width, height }, 'box');
  const expectedKeypoints = [[0, 0], [0.1, 0], [0, 0.1], [-0.1, 0], [0, -0.1], [0.05, 0.05]];
  assert.equal(d.keypoints.length, 6);
  d.keypoints.forEach((p, k) => {
    close(p.x, a.x + expectedKeypoints[k][0], `keypoint ${k} x`);
    close(p.y, a.y + expectedKeypoints[k][1], `keypoint ${k} y`);
  });
});

test('decoding: score threshold, logit clipping, negative or NaN sizes dropped', () => {
  const anchors = ssdAnchors();
  const decode = (logit, values = [0, 0, 10, 10], options) => {
    const { regressors, classificators } = syntheticOutputs(896, 3, logit, values);
    return decodeDetections(regressors, classificators, anchors, options);
  };
  assert.equal(decode(0).length, 1, 'score 0.5 is kept (the threshold is inclusive)');
  assert.equal(decode(-0.01).length, 0);
  assert.equal(decode(1e30)[0].score, 1 / (1 + Math.exp(-100)), 'clipped to 100');
  assert.equal(decode(-1e30).length, 0);
  assert.equal(decode(Infinity)[0].score, 1 / (1 + Math.exp(-100)));
  assert.equal(decode(NaN).length, 0);
  assert.equal(decode(1, [0, 0, -1, 10]).length, 0, 'negative width');
  assert.equal(decode(1, [0, 0, 10, NaN]).length, 0, 'NaN height');
  assert.equal(decode(1, [0, 0, 0, 0]).length, 1, 'an empty box is still a detection');
  assert.equal(decode(1, undefined, { minScore: 0.8 }).length, 0, 'minScore option');
});

// --- Non-maximum suppression

const detection = (xMin, yMin, width, height, score, k = 0) =>
  ({ box: { xMin, yMin, width, height }, score, keypoints: [{ x: k, y: k }, { x: 2 * k, y: 0 }] });

test('iou', () => {
  const a = { xMin: 0, yMin: 0, width: 2, height: 1 };
  assert.equal(iou(a, a), 1);
  assert.equal(iou(a, { xMin: 1, yMin: 0, width: 2, height: 1 }), 1 / 3);
  assert.equal(iou(a, { xMin: 2, yMin: 0, width: 1, height: 1 }), 0, 'touching');
  assert.equal(iou(a, { xMin: 5, yMin: 5, width: 1, height: 1 }), 0);
  assert.equal(iou({ xMin: 0, yMin: 0, width: 0, height: 0 }, a), 0, 'empty');
});

test('weighted NMS: overlapping detections become their score-weighted average, best score kept', () => {
  const best = detection(0.10, 0.10, 0.20, 0.20, 0.9, 1);
  const near = detection(0.12, 0.12, 0.20, 0.20, 0.6, 2); // IoU ≈ 0.68 with best
  const far = detection(0.60, 0.60, 0.20, 0.20, 0.7, 3);
  const touching = detection(0.22, 0.10, 0.20, 0.20, 0.55, 4); // IoU 0.25 ≤ 0.3: kept apart
  const out = weightedNms([near, far, touching, best]);
  assert.equal(out.length, 3);
  assert.deepEqual(out.map((d) => d.score), [0.9, 0.7, 0.55], 'best first');
  const w = (a, b) => (0.9 * a + 0.6 * b) / 1.5;
  assertBox(out[0].box, { xMin: w(0.10, 0.12), yMin: w(0.10, 0.12), width: w(0.30, 0.32) - w(0.10, 0.12),
    height: w(0.30, 0.32) - w(0.10, 0.12) }, 'merged box');
  close(out[0].keypoints[0].x, w(1, 2), 'merged keypoint x');
  close(out[0].keypoints[1].x, w(2, 4), 'merged keypoint 2 x');
  assert.deepEqual(out[1], far, 'a lone detection is unchanged');
  assert.deepEqual(out[2], touching);
  // The cluster is formed around the best box only: a box overlapping `near` but not
  // `best` by more than 0.3 stays.
  const chain = detection(0.19, 0.19, 0.20, 0.20, 0.5); // IoU 0.22 with best, 0.49 with near
  assert.equal(weightedNms([best, near, chain]).length, 2);
  assert.equal(weightedNms([best, near], { iouThreshold: 0.9 }).length, 2, 'iouThreshold option');
  assert.deepEqual(weightedNms([]), []);
  assert.equal(weightedNms([detection(0.5, 0.5, 0, 0, 0.9), detection(0.5, 0.5, 0, 0, 0.8)]).length, 2, 'empty boxes end');
});

// --- Input and letterbox

test('input: the image fitted into the tensor with black bars, RGB in -1..1', () => {
  const input = { name: 'input', shape: [1, 8, 8, 3], dtype: 'float32' };
  const white = { width: 4, height: 2, data: new Uint8Array(4 * 2 * 3).fill(255) };
  const { tensor, letterbox } = faceInput(white, input);
  assert.deepEqual(letterbox, { x: 0, y: 0.25, width: 1, height: 0.5 });
  const rows = Array.from({ length: 8 }, (_, y) => tensor[y * 8 * 3]);
  assert.deepEqual(rows, [-1, -1, 1, 1, 1, 1, -1, -1]);
  assert.ok(tensor.every((v) => v === 1 || v === -1));
  const tall = { width: 1, height: 4, data: new Uint8Array(4 * 3).fill(0) }; // black, 1 wide → 2 of 8
  assert.deepEqual(faceInput(tall, input).letterbox, { x: 3 / 8, y: 0, width: 2 / 8, height: 1 });
});

/** A model stand-in: records its input, returns one detection at a given tensor box. */
function fakeModel({ xCenter, yCenter, width, height }) {
  const anchors = ssdAnchors();
  const index = anchors.findIndex((a) => a.x === 0.53125 && a.y === 0.53125); // stride 16, cell (8, 8)
  const a = anchors[index];
  const model = {
    inputs: [{ name: 'input', shape: [1, 128, 128, 3], dtype: 'float32', scale: 0, zeroPoint: 0 }],
    outputs: [{ name: 'regressors', dtype: 'float32' }, { name: 'classificators', dtype: 'float32' }],
    async run(input) {
      model.lastInput = input;
      const values = [(xCenter - a.x) * 128, (yCenter - a.y) * 128, width * 128, height * 128];
      for (let k = 0; k < 6; k++) values.push((xCenter - a.x) * 128, (yCenter - a.y) * 128);
      const { regressors, classificators } = syntheticOutputs(896, index, 5, values);
      return [regressors, classificators];
    },
  };
  return model;
}

test('detectFaces maps detections from the letterboxed tensor back to the image', async () => {
  // 200x100 → 128x64 at rows 32..95: tensor y 0.5 is image y 0.5, tensor heights double.
  const model = fakeModel({ xCenter: 0.5, yCenter: 0.5, width: 0.25, height: 0.25 });
  const image = { width: 200, height: 100, data: new Uint8Array(200 * 100 * 3).fill(200) };
  const faces = await detectFaces(model, image);
  assert.equal(faces.length, 1);
  assertBox(faces[0].box, { xMin: 0.375, yMin: 0.25, width: 0.25, height: 0.5 }, 'box', 1e-6);
  for (const p of faces[0].keypoints) {
    close(p.x, 0.5, 'keypoint x');
    close(p.y, 0.5, 'keypoint y');
  }
  assert.ok(model.lastInput instanceof Float32Array && model.lastInput.length === 128 * 128 * 3);
  assert.equal(model.lastInput[0], -1, 'top bar');
  close(model.lastInput[(40 * 128 + 5) * 3], 200 / 127.5 - 1, 'image pixel');
  // Outputs in the other order are found by size.
  const swapped = { ...model, run: async (x) => (await model.run(x)).reverse() };
  assert.equal((await detectFaces(swapped, image)).length, 1);
});

test('detectFaces refuses models that are not a float face detector', async () => {
  const image = { width: 2, height: 2, data: new Uint8Array(12) };
  const int8 = { inputs: [{ name: 'input', shape: [1, 128, 128, 3], dtype: 'int8' }], run: async () => [] };
  await assert.rejects(detectFaces(int8, image), { code: 'UNSUPPORTED', message: /float32 \[1, H, W, 3\].*int8/ });
  const wrongOutputs = { inputs: [{ name: 'input', shape: [1, 128, 128, 3], dtype: 'float32' }], run: async () => [new Float32Array(10)] };
  await assert.rejects(detectFaces(wrongOutputs, image), { code: 'UNSUPPORTED', message: /896 × 16/ });
  await assert.rejects(detectFaces(fakeModel({ xCenter: 0, yCenter: 0, width: 0, height: 0 }), { width: 0, height: 0, data: [] }),
    { code: 'INVALID_ARGUMENT' });
});

// --- The fake camera

test('fake camera: BT.601 limited-range I420 in a YUV4MPEG2 file', () => {
  const pixels = [[255, 255, 255], [0, 0, 0], [255, 0, 0], [0, 0, 255]]; // a 2x2 block
  const image = { width: 2, height: 2, data: new Uint8Array(pixels.flat()) };
  const i420 = rgbToI420(image);
  assert.deepEqual([...i420.subarray(0, 4)], [235, 16, 81, 41], 'Y');
  // Cb, Cr: the block average of (B - Y) / 1.772 and (R - Y) / 1.402, × 224/255, + 128.
  const luma = pixels.map(([r, g, b]) => 0.299 * r + 0.587 * g + 0.114 * b);
  const mean = (f) => pixels.reduce((s, p, i) => s + f(p, luma[i]), 0) / 4;
  assert.equal(i420[4], Math.round(128 + (224 / 255) * mean(([, , b], y) => (b - y) / 1.772)));
  assert.equal(i420[5], Math.round(128 + (224 / 255) * mean(([r], y) => (r - y) / 1.402)));
  assert.throws(() => rgbToI420({ width: 3, height: 2, data: new Uint8Array(18) }), /even/);

  const file = y4mFile(i420, 2, 2, 3);
  const header = 'YUV4MPEG2 W2 H2 F30:1 Ip A1:1 C420jpeg\n';
  assert.equal(file.subarray(0, header.length).toString('latin1'), header);
  assert.equal(file.length, header.length + 3 * (6 + 6));
  assert.equal(file.subarray(file.length - 12, file.length - 6).toString('latin1'), 'FRAME\n');
  assert.deepEqual([...file.subarray(file.length - 6)], [...i420]);
});

// --- End to end with TFLite

function runScript(script, hint) {
  return exec(process.execPath, [join(REPO, script)]).then(({ code, stdout, stderr }) => {
    assert.equal(code, 0, `${script} failed: ${stderr.trim() || stdout.trim()}\n${hint}`);
  });
}

/** face_detection_short_range in TFLite, behind the model interface detectFaces() takes. */
async function peerFaceModel() {
  await runScript('models/make-models.js',
    'the model comes from npm (@mediapipe/face_detection) the first time: run `make models` with the npm registry reachable');
  const dir = join(REPO, 'web', 'models', 'face_detection_short_range');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const bytes = Buffer.concat(manifest.shards.map((s) => readFileSync(join(dir, s.hash))));
  const files = peerFiles();
  const { module } = await loadPeerModule(readFileSync(files.glue, 'utf8'), readFileSync(files.wasm));
  const peer = new PeerModel(module, bytes);
  return peerFloatModel(peer, manifest);
}

function loadAstronaut() {
  try {
    return astronautImage();
  } catch (err) {
    assert.fail(`cannot get the astronaut photo: ${err.message}\n` +
      'it is astronaut.png from Debian\'s python3-skimage: make it with `node scripts/make-y4m.js` (as root, with the Debian mirror reachable)');
  }
}

// Her face in astronaut.png (512x512), hairline to chin, labelled by eye.
const FACE_PX = { xMin: 182, yMin: 84, width: 88, height: 92 };

test('TFLite + detectFaces find the astronaut\'s face, in the photo and in the camera frame', async () => {
  const model = await peerFaceModel();
  const photo = loadAstronaut();
  const faces = await detectFaces(model, photo);
  const px = (f) => ({ xMin: f.box.xMin * 512, yMin: f.box.yMin * 512, width: f.box.width * 512, height: f.box.height * 512 });
  const round = (box, digits = 1) => Object.fromEntries(Object.entries(box).map(([k, v]) => [k, Number(v.toFixed(digits))]));
  console.log(`astronaut.png: ${faces.length} face(s): ${faces.map((f) => `score ${f.score.toFixed(3)} box (px) ` +
    `${JSON.stringify(round(px(f)))}`).join('; ')}`);
  assert.equal(faces.length, 1);
  const [face] = faces;
  assert.ok(face.score > 0.8, `score ${face.score}`);
  const overlap = iou(px(face), FACE_PX);
  assert.ok(overlap >= 0.5, `IoU ${overlap} with the labelled face ${JSON.stringify(FACE_PX)}`);
  // Keypoints: the eyes inside the box at the same height, her right eye on the image's
  // left; the nose between them and below; the mouth below the nose.
  const [rightEye, leftEye, nose, mouth] = face.keypoints;
  const inBox = (p) => p.x > face.box.xMin && p.x < face.box.xMin + face.box.width &&
    p.y > face.box.yMin && p.y < face.box.yMin + face.box.height;
  assert.ok([rightEye, leftEye, nose, mouth].every(inBox), JSON.stringify(face.keypoints));
  assert.ok(rightEye.x < nose.x && nose.x < leftEye.x && Math.abs(rightEye.y - leftEye.y) < 0.05);
  assert.ok(nose.y > rightEye.y && mouth.y > nose.y);

  // The 640x480 camera frame (photo scaled to 480x480, centred): the same face.
  const frame = fitOnGrey(photo);
  const inFrame = await detectFaces(model, frame);
  assert.equal(inFrame.length, 1);
  const { placed } = frame;
  const expected = { // the photo's detection, moved into the frame
    xMin: (placed.x + face.box.xMin * placed.width) / 640, yMin: (placed.y + face.box.yMin * placed.height) / 480,
    width: face.box.width * placed.width / 640, height: face.box.height * placed.height / 480,
  };
  const frameOverlap = iou(inFrame[0].box, expected);
  console.log(`camera frame 640x480: score ${inFrame[0].score.toFixed(3)} box ${JSON.stringify(round(inFrame[0].box, 4))}; ` +
    `IoU with the photo's box ${frameOverlap.toFixed(3)}`);
  assert.ok(inFrame[0].score > 0.8 && frameOverlap > 0.8);
  model.dispose();
});
