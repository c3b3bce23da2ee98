// camera.js — the camera mode: BlazeFace short-range on every camera frame, run by
// edgeinfer in a Worker; boxes and keypoints drawn over the image, faces blurred on
// request, inference time and FPS shown. Nothing leaves the page: frames are read into
// a canvas here and handed to the Worker, and the model comes from the loader's cache
// after the first visit.
//
// The loop: copy the video's current frame into a canvas that is never shown, detect
// faces on its pixels, then, in one go, draw that same frame on #camera-frame, blur the
// faces there (when asked) and draw the boxes on #camera-overlay; then wait for the next
// camera frame. The screen only ever shows a frame with its own detections applied: with
// "Blur faces" on, no face shows unblurred, not even while a frame is being detected.
//
// For tests: the section's data-status is 'idle', 'loading' (model or camera),
// 'running', 'stopped' or 'error' (data-error: 'camera-denied', 'camera-missing',
// 'camera-busy', 'camera-unavailable', 'camera-failed', 'model'); data-frames counts the
// frames shown, data-faces the faces in the last one. window.__edgeinfer.camera holds
// the latest figures and detections (see `debug` below).

import { loadModel, simdSupported } from '../js/index.js';
import { detectFaces } from '../js/face.js';

const MODEL_URL = new URL('models/face_detection_short_range/manifest.json', import.meta.url);
const BOX_COLOUR = '#00e5ff';
const KEYPOINT_COLOUR = '#ff2d78';
const LINE_WIDTH = 3;
const FPS_WINDOW_MS = 1000;

const debug = {
  frames: 0, // frames shown
  fps: 0, // frames shown in the last second
  inferenceMs: 0, // the last model.run(), Worker round trip included
  frameMs: 0, // the last frame: read pixels, detect (prepare, run, decode), draw
  frameWidth: 0,
  frameHeight: 0,
  blur: false,
  faces: [], // detectFaces() of the last frame shown, normalized to the frame
  modelProgress: null, // the loader's last progress event: {loadedBytes, totalBytes, fromCache}
};
window.__edgeinfer = { ...window.__edgeinfer, camera: debug };

/** What to tell the user when getUserMedia() fails: [data-error, message]. */
function cameraProblem(err) {
  switch (err?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return ['camera-denied', 'Camera access was denied. Allow the camera for this page (the camera icon in the ' +
        'address bar, or the browser\'s site settings), then press "Start camera".'];
    case 'NotFoundError':
    case 'OverconstrainedError':
      return ['camera-missing', 'No camera was found. Connect one and press "Start camera", or try your own ' +
        'model on a photo in the other tab.'];
    case 'NotReadableError':
    case 'AbortError':
      return ['camera-busy', 'The camera could not be started: another application may be using it. Close it ' +
        'and press "Start camera".'];
    default:
      return ['camera-failed', `The camera could not be started (${err?.name ?? 'Error'}: ${err?.message ?? err}).`];
  }
}

const kib = (bytes) => `${Math.round(bytes / 1024)} KiB`;

export function initCamera(section) {
  const $ = (id) => section.querySelector(`#${id}`);
  const video = $('camera-video');
  const frame = $('camera-frame');
  const overlay = $('camera-overlay');
  const frameContext = frame.getContext('2d');
  const capture = document.createElement('canvas'); // the frame being detected, never shown
  const captureContext = capture.getContext('2d', { willReadFrequently: true });
  const overlayContext = overlay.getContext('2d');
  const startButton = $('camera-start');
  const blurToggle = $('camera-blur');
  const marksToggle = $('camera-marks');

  let modelLoading = null; // Promise<the model, its run() timed for the stats>, made once
  const shownAt = []; // performance.now() of the frames shown in the last FPS_WINDOW_MS

  function setStatus(status, error = '') {
    section.dataset.status = status;
    if (error) section.dataset.error = error;
    else delete section.dataset.error;
  }

  function showError(code, message) {
    const box = $('camera-error');
    box.textContent = message;
    box.hidden = false;
    setStatus('error', code);
  }

  // --- The model: loaded once, in a Worker; progress from the loader's events.

  function faceModel() {
    modelLoading ??= (async () => {
      $('camera-load').hidden = false;
      const progress = $('camera-progress');
      const text = $('camera-load-text');
      text.textContent = 'Loading the face model…';
      const model = await loadModel(MODEL_URL, {
        worker: true,
        onProgress: ({ loadedBytes, totalBytes, fromCache }) => {
          debug.modelProgress = { loadedBytes, totalBytes, fromCache };
          progress.value = totalBytes > 0 ? loadedBytes / totalBytes : 0;
          text.textContent = `Loading the face model: ${kib(loadedBytes)} of ${kib(totalBytes)}` +
            (fromCache ? ' (from this browser\'s cache)' : '');
        },
      });
      $('camera-load').hidden = true;
      // detectFaces() calls run(); timing it here gives the inference time alone.
      return {
        inputs: model.inputs,
        outputs: model.outputs,
        async run(input) {
          const start = performance.now();
          const outputs = await model.run(input, { transfer: true });
          debug.inferenceMs = performance.now() - start;
          return outputs;
        },
      };
    })();
    modelLoading.catch(() => {
      modelLoading = null; // the next "Start camera" tries again
    });
    return modelLoading;
  }

  // --- The camera. A session is one run from "Start camera" to "Stop camera" (or to
  // leaving the tab, or to an error): {running, stream, wake}.

  let session = null;

  async function openCamera(mine) {
    if (!navigator.mediaDevices?.getUserMedia) {
      throw Object.assign(new Error('this page has no camera access: open it over https:// or from localhost'),
        { name: 'camera-unavailable' });
    }
    mine.stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } },
    });
    if (!mine.running) return closeCamera(mine); // stopped while the browser asked
    video.srcObject = mine.stream;
    await video.play();
  }

  function closeCamera(mine) {
    for (const track of mine.stream?.getTracks() ?? []) track.stop();
    if (mine.stream && video.srcObject === mine.stream) video.srcObject = null;
    mine.stream = null;
  }

  async function start() {
    if (session) return;
    const mine = session = { running: true, stream: null, wake: null };
    $('camera-error').hidden = true;
    startButton.textContent = 'Stop camera';
    setStatus('loading');
    try {
      // Both at once; a camera problem is reported first, as the user can act on it.
      const modelLoaded = faceModel();
      await openCamera(mine);
      const model = await modelLoaded.catch((err) => {
        throw Object.assign(err, { fromModel: true });
      });
      if (!mine.running) return;
      $('camera-placeholder').hidden = true;
      setStatus('running');
      await loop(model, mine);
    } catch (err) {
      if (!mine.running) return;
      console.error(err);
      if (err.fromModel) {
        $('camera-load').hidden = true;
        showError('model', `The face model could not be loaded or run: ${err.code ?? 'INTERNAL'}: ${err.message}`);
      } else if (err.name === 'camera-unavailable') {
        showError(err.name, `No camera in this browser: ${err.message}.`);
      } else if (err instanceof DOMException) {
        showError(...cameraProblem(err));
      } else {
        showError('camera-failed', `Face detection stopped: ${err.code ?? err.name}: ${err.message}`);
      }
    } finally {
      mine.running = false; // a camera still being opened closes itself
      closeCamera(mine);
      if (session === mine) {
        session = null;
        startButton.textContent = 'Start camera';
      }
    }
  }

  function stop() {
    if (!session) return;
    session.running = false;
    session.wake?.();
    closeCamera(session);
    session = null;
    startButton.textContent = 'Start camera';
    if (section.dataset.status !== 'error') setStatus('stopped');
  }

  // --- The loop

  /** Resolves at the next frame the camera delivers (or the next animation frame without rVFC), or at stop(). */
  const nextFrame = (mine) => new Promise((resolve) => {
    mine.wake = resolve;
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(() => resolve());
    else requestAnimationFrame(() => resolve());
  });

  async function loop(model, mine) {
    while (mine.running) {
      await nextFrame(mine);
      if (!mine.running) return;
      const start = performance.now();
      const { videoWidth: width, videoHeight: height } = video;
      if (capture.width !== width || capture.height !== height) {
        capture.width = frame.width = overlay.width = debug.frameWidth = width;
        capture.height = frame.height = overlay.height = debug.frameHeight = height;
      }
      captureContext.drawImage(video, 0, 0);
      const faces = await detectFaces(model, captureContext.getImageData(0, 0, width, height));
      if (!mine.running) return;
      frameContext.drawImage(capture, 0, 0);
      if (blurToggle.checked) for (const face of faces) blurFace(face.box);
      drawMarks(marksToggle.checked ? faces : []);
      shown(faces, performance.now() - start);
    }
  }

  /** A box normalized to the frame → pixels of the frame. */
  const pixels = (box) => ({ x: box.xMin * frame.width, y: box.yMin * frame.height,
    width: box.width * frame.width, height: box.height * frame.height });

  /**
   * Blur a face in #camera-frame: an ellipse a little larger than the box (BlazeFace's box
   * goes from the eyebrows to the chin), filled with the same area shrunk to 1/16 and
   * scaled back up with smoothing. Works in every browser, unlike context.filter.
   */
  function blurFace(box) {
    const b = pixels(box);
    const grow = 0.25;
    const x = Math.max(0, Math.floor(b.x - b.width * grow));
    const y = Math.max(0, Math.floor(b.y - b.height * grow * 1.5));
    const w = Math.min(frame.width, Math.ceil(b.x + b.width * (1 + grow))) - x;
    const h = Math.min(frame.height, Math.ceil(b.y + b.height * (1 + grow))) - y;
    if (w <= 0 || h <= 0) return;
    const small = new OffscreenCanvas(Math.max(1, Math.round(w / 16)), Math.max(1, Math.round(h / 16)));
    const smallContext = small.getContext('2d');
    smallContext.imageSmoothingQuality = 'high';
    smallContext.drawImage(capture, x, y, w, h, 0, 0, small.width, small.height);
    frameContext.save();
    frameContext.beginPath();
    frameContext.ellipse(x + w / 2, y + h / 2, w / 2, h / 2, 0, 0, 2 * Math.PI);
    frameContext.clip();
    frameContext.imageSmoothingEnabled = true;
    frameContext.imageSmoothingQuality = 'high';
    frameContext.drawImage(small, x, y, w, h);
    frameContext.restore();
  }

  /** Boxes (BOX_COLOUR) and the six keypoints (KEYPOINT_COLOUR) on the transparent overlay. */
  function drawMarks(faces) {
    overlayContext.clearRect(0, 0, overlay.width, overlay.height);
    overlayContext.lineWidth = LINE_WIDTH;
    for (const face of faces) {
      const b = pixels(face.box);
      overlayContext.strokeStyle = BOX_COLOUR;
      overlayContext.strokeRect(b.x, b.y, b.width, b.height);
      overlayContext.fillStyle = KEYPOINT_COLOUR;
      for (const p of face.keypoints) {
        overlayContext.beginPath();
        overlayContext.arc(p.x * overlay.width, p.y * overlay.height, 3, 0, 2 * Math.PI);
        overlayContext.fill();
      }
    }
  }

  function shown(faces, frameMs) {
    const now = performance.now();
    shownAt.push(now);
    while (shownAt[0] <= now - FPS_WINDOW_MS) shownAt.shift();
    Object.assign(debug, { frames: debug.frames + 1, fps: shownAt.length * 1000 / FPS_WINDOW_MS, frameMs, faces,
      blur: blurToggle.checked });
    section.dataset.frames = String(debug.frames);
    section.dataset.faces = String(faces.length);
    $('camera-stats').textContent = `inference ${debug.inferenceMs.toFixed(1)} ms · ` +
      `frame ${frameMs.toFixed(1)} ms · ${debug.fps.toFixed(1)} FPS`;
    $('camera-faces').textContent = faces.length === 0 ? 'No face in this frame.'
      : `${faces.length} face${faces.length > 1 ? 's' : ''}: ` +
        faces.map((f) => `${Math.round(f.score * 100)} %`).join(', ') +
        ` · ${frame.width} × ${frame.height} frames · edgeinfer ${simdSupported() ? 'SIMD128' : 'scalar'} build in a Worker`;
  }

  startButton.addEventListener('click', () => (session ? stop() : start()));

  return {
    shown: start,
    hidden: stop,
  };
}
