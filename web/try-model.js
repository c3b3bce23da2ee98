// try-model.js — the "try your own model" mode: a .tflite model, optional labels and an
// image, from files, URLs or a drop; shows the model's tensors, the top 5 and the time.
//
// For tests: the section's data-status is 'working' while steps run, then 'done' or
// 'error'; data-serial counts finished steps; window.__edgeinfer_last_input is the
// last input tensor built from the image.

import { EdgeInferError } from '../js/errors.js';
import { imageLayout, imageToTensor } from '../js/image.js';
import { opHistogram } from '../js/inspect.js';
import { topK } from '../js/topk.js';
import { decodeToImageData, imageDataToImage, tensorToImageData } from './browser-image.js';

const TOP_K = 5;

/** Create an element with properties and children (strings become text, never HTML). */
function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

const errorText = (err) => `${err?.code ?? 'INTERNAL'}: ${err?.message ?? err}`;
const elementCount = (shape) => shape.reduce((n, d) => n * d, 1);

function quantText(t) {
  if (t.quantChannels === 0) return 'not quantized';
  const params = `scale ${Number(t.scale.toPrecision(7))}, zero point ${t.zeroPoint}`;
  return t.quantChannels > 1 ? `per-channel (${t.quantChannels}); channel 0: ${params}` : params;
}

function fileKind(file) {
  if (/\.tflite$/i.test(file.name)) return 'model';
  if (file.type.startsWith('image/')) return 'image';
  if (/\.txt$/i.test(file.name) || file.type === 'text/plain') return 'labels';
  throw new EdgeInferError('INVALID_ARGUMENT',
    `don't know what "${file.name}" is: drop a .tflite model, a .txt labels file or an image`);
}

async function fetchBlob(url) {
  let response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new EdgeInferError('IO_ERROR',
      `cannot fetch ${url}: ${err.message} (unreachable, or another site that does not allow cross-origin requests)`, { cause: err });
  }
  if (!response.ok) throw new EdgeInferError('IO_ERROR', `cannot fetch ${url}: HTTP ${response.status}`);
  return response.blob();
}

export function initTryModel(section, { getEngine }) {
  const $ = (id) => section.querySelector(`#${id}`);
  const state = { modelBytes: null, model: null, labels: null, image: null, top: null };

  // --- Steps run one at a time, in order. Errors of one user action (one batch of
  // steps) are all shown, and cleared when the next action starts.
  let queue = Promise.resolve();
  let pending = 0;
  let batchFailed = false;

  function task(step) {
    if (pending === 0) {
      hideError();
      batchFailed = false;
    }
    pending++;
    section.dataset.status = 'working';
    queue = queue.then(async () => {
      try {
        await step();
      } catch (err) {
        console.error(err);
        showError(err);
        batchFailed = true;
      }
      pending--;
      section.dataset.serial = String(Number(section.dataset.serial) + 1);
      if (pending === 0) section.dataset.status = batchFailed ? 'error' : 'done';
    });
  }

  function showError(err) {
    const box = $('error');
    box.append(el('p', { textContent: errorText(err) }));
    box.hidden = false;
  }

  function hideError() {
    $('error').replaceChildren();
    $('error').hidden = true;
  }

  // --- Model

  function disposeModel() {
    state.model?.dispose();
    state.model = null;
    clearResults();
    renderModelInfo(null);
  }

  async function createModel() {
    disposeModel();
    if (!state.modelBytes) return;
    const engine = await getEngine();
    try {
      state.model = engine.createInterpreter(state.modelBytes);
    } catch (err) {
      state.modelBytes = null;
      $('model-name').textContent += ` (not loaded: ${err.code ?? 'INTERNAL'})`;
      throw err;
    }
    renderModelInfo(state.model, engine);
  }

  async function loadModel(blob, name) {
    state.modelBytes = new Uint8Array(await blob.arrayBuffer());
    $('model-name').textContent = `${name} · ${(state.modelBytes.length / 1024).toFixed(1)} KiB`;
    await createModel();
    classify();
  }

  function renderModelInfo(model, engine) {
    const box = $('model-info');
    if (!model) {
      box.replaceChildren(el('p', { className: 'muted', textContent: 'no model loaded' }));
      return;
    }
    const rows = [
      ...model.inputs.map((t, i) => [`input ${i}`, t]),
      ...model.outputs.map((t, i) => [`output ${i}`, t]),
    ].map(([role, t]) => el('tr', {},
      el('td', { textContent: role }),
      el('td', { textContent: t.name }),
      el('td', { textContent: `[${t.shape.join(', ')}]` }),
      el('td', { textContent: t.dtype }),
      el('td', { textContent: quantText(t) })));
    const table = el('table', { className: 'tensors' },
      el('thead', {}, el('tr', {}, ...['tensor', 'name', 'shape', 'dtype', 'quantization']
        .map((h) => el('th', { textContent: h })))),
      el('tbody', {}, ...rows));
    const ops = Object.entries(opHistogram(model)).map(([op, n]) => `${op} ×${n}`).join(', ');
    const arena = model.arenaBytes;
    box.replaceChildren(table,
      el('p', { id: 'arena', textContent: `arena: ${(arena / 1024).toFixed(1)} KiB (${arena} bytes)` }),
      el('p', { className: 'muted', textContent: `${model.opCount} operators: ${ops}` }),
      el('p', { className: 'muted', textContent: `engine: ${engine.variant}` }));
  }

  // --- Labels

  async function loadLabels(blob, name) {
    const lines = (await blob.text()).split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    state.labels = lines;
    $('labels-name').textContent = `${name} · ${lines.length} labels`;
    renderTop();
  }

  // --- Image

  async function loadImage(blob, name) {
    state.image = null;
    clearResults();
    const canvas = $('image-preview');
    canvas.width = canvas.height = 0;
    $('image-caption').textContent = 'no image yet';
    $('image-name').textContent = `${name} (not decoded)`;
    const pixels = await decodeToImageData(blob);
    state.image = imageDataToImage(pixels);
    $('image-name').textContent = `${name} · ${pixels.width} × ${pixels.height}`;
    canvas.width = pixels.width;
    canvas.height = pixels.height;
    canvas.getContext('2d').putImageData(pixels, 0, 0);
    $('image-caption').textContent = `${pixels.width} × ${pixels.height}, as decoded`;
    classify();
  }

  // --- Inference

  function clearResults() {
    state.top = null;
    renderTop();
    $('inference-time').textContent = '';
    $('run-again').hidden = true;
  }

  function classify() {
    clearResults();
    const { model, image } = state;
    if (!model || !image) return;
    if (model.inputs.length !== 1) {
      throw new EdgeInferError('UNSUPPORTED', `this demo feeds one image input; the model has ${model.inputs.length}`);
    }
    const input = model.inputs[0];
    const tensor = imageToTensor(image, input);
    window.__edgeinfer_last_input = tensor;
    showModelView(tensor, input);

    const start = performance.now();
    const [scores] = model.run(tensor);
    const ms = performance.now() - start;

    state.top = topK(scores, model.outputs[0], TOP_K);
    renderTop();
    $('inference-time').textContent = `inference: ${ms.toFixed(1)} ms`;
    $('run-again').hidden = false;
  }

  function showModelView(tensor, input) {
    const { width, height, channels } = imageLayout(input);
    $('input-figure').hidden = false;
    const canvas = $('input-preview');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d').putImageData(tensorToImageData(tensor, width, height), 0, 0);
    $('input-caption').textContent =
      `what the model sees: ${width} × ${height} ${channels === 3 ? 'RGB' : 'gray'} ${input.dtype}`;
  }

  function renderTop() {
    const { top, labels, model } = state;
    $('top5').tBodies[0].replaceChildren(...(top ?? []).map((r, rank) => {
      const bar = el('span', { className: 'bar' });
      bar.style.width = `${Math.min(Math.max(r.score, 0), 1) * 100}%`;
      const row = el('tr', {},
        el('td', { textContent: String(rank + 1) }),
        el('td', { className: 'index', textContent: String(r.index) }),
        el('td', { className: 'label', textContent: labels?.[r.index] ?? '—' }),
        el('td', { className: 'score', title: `raw value ${r.value}` },
          el('span', { textContent: Number(r.score.toPrecision(4)).toString() }), bar));
      row.dataset.index = String(r.index);
      return row;
    }));
    const classes = model ? elementCount(model.outputs[0].shape) : null;
    $('labels-note').textContent = labels && classes !== null && labels.length !== classes
      ? `note: the labels file has ${labels.length} lines, the output has ${classes} values`
      : '';
  }

  // --- Where the files come from: file pickers, URLs, drops.

  const readers = { model: loadModel, labels: loadLabels, image: loadImage };

  for (const kind of Object.keys(readers)) {
    $(`${kind}-file`).addEventListener('change', (event) => {
      const file = event.target.files[0];
      if (file) task(() => readers[kind](file, file.name));
    });
    $(`${kind}-url-form`).addEventListener('submit', (event) => {
      event.preventDefault();
      const url = $(`${kind}-url`).value.trim();
      if (url) task(async () => readers[kind](await fetchBlob(url), url.split('/').pop() || url));
    });
  }

  const dropZone = $('drop-zone');
  dropZone.addEventListener('dragover', () => dropZone.classList.add('dragging'));
  dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
  dropZone.addEventListener('drop', (event) => {
    dropZone.classList.remove('dragging');
    // Model first, then labels, then the image: one classification at the end.
    const order = ['model', 'labels', 'image'];
    const files = [...event.dataTransfer.files].map((file) => {
      try {
        return { file, kind: fileKind(file) };
      } catch (err) {
        return { file, error: err };
      }
    }).sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
    for (const { file, kind, error } of files) {
      task(() => {
        if (error) throw error;
        return readers[kind](file, file.name);
      });
    }
  });

  $('run-again').addEventListener('click', () => task(classify));

  return {
    usesEngineChoice: true,
    engineChanged() {
      task(async () => {
        await createModel();
        classify();
      });
    },
  };
}
