// app.js — the demo page shell: which wasm engine runs, and the demo modes (tabs).
//
// A mode is a tab button [data-mode-tab=ID], a <section data-mode=ID>, and an init
// function in MODES: init(section, {getEngine}) wires the section up and returns
// {usesEngineChoice?, engineChanged?(engine), shown?(), hidden?()}. A mode with
// usesEngineChoice runs on the engine picked in the header (loaded when such a mode
// first opens; the header shows the picker only then) and hears of a new choice through
// engineChanged. shown/hidden: its tab was opened or left. The first mode opens unless
// the URL names another (web/#try-model).

import { loadEngine, simdSupported } from '../js/index.js';
import { initCamera } from './camera.js';
import { initTryModel } from './try-model.js';

const MODES = {
  camera: initCamera,
  'try-model': initTryModel,
};

const engineSelect = document.getElementById('engine-select');
const engineStatus = document.getElementById('engine-status');

// Each engine build is instantiated once: 'simd' | 'scalar' → Promise<Engine>.
const engines = new Map();
let currentEngine = null;

function engineFor(choice) {
  const simd = choice === 'auto' ? simdSupported() : choice === 'simd';
  const variant = simd ? 'simd' : 'scalar';
  if (!engines.has(variant)) {
    const loading = loadEngine({ simd });
    loading.catch(() => engines.delete(variant)); // a later choice retries
    engines.set(variant, loading);
  }
  return engines.get(variant);
}

async function chooseEngine() {
  engineStatus.textContent = 'loading…';
  engineStatus.dataset.variant = '';
  currentEngine = engineFor(engineSelect.value);
  try {
    const engine = await currentEngine;
    engineStatus.textContent = `${engine.variant === 'simd' ? 'SIMD128' : 'scalar'} build loaded`;
    engineStatus.dataset.variant = engine.variant;
    engineStatus.classList.remove('failed');
    return engine;
  } catch (err) {
    engineStatus.textContent = `failed: ${err.code ?? 'INTERNAL'}: ${err.message}`;
    engineStatus.classList.add('failed');
    return null;
  }
}

const context = { getEngine: () => currentEngine };
const modes = new Map(Object.entries(MODES).map(([id, init]) =>
  [id, init(document.querySelector(`section[data-mode="${id}"]`), context)]));
let openMode = null;

function showMode(id) {
  if (id === openMode) return;
  for (const tab of document.querySelectorAll('[data-mode-tab]')) {
    tab.setAttribute('aria-selected', String(tab.dataset.modeTab === id));
  }
  for (const section of document.querySelectorAll('section[data-mode]')) {
    section.hidden = section.dataset.mode !== id;
  }
  modes.get(openMode)?.hidden?.();
  openMode = id;
  const mode = modes.get(id);
  document.querySelector('.engine').hidden = !mode.usesEngineChoice;
  if (mode.usesEngineChoice && currentEngine === null) chooseEngine();
  mode.shown?.();
}

const modeInUrl = () => (modes.has(location.hash.slice(1)) ? location.hash.slice(1) : modes.keys().next().value);

for (const tab of document.querySelectorAll('[data-mode-tab]')) {
  tab.addEventListener('click', () => {
    history.replaceState(null, '', `#${tab.dataset.modeTab}`);
    showMode(tab.dataset.modeTab);
  });
}
window.addEventListener('hashchange', () => showMode(modeInUrl()));
showMode(modeInUrl());

// A file dropped outside a drop zone must not make the browser navigate away.
for (const type of ['dragover', 'drop']) document.addEventListener(type, (event) => event.preventDefault());

engineSelect.addEventListener('change', async () => {
  const engine = await chooseEngine();
  if (engine) for (const mode of modes.values()) mode.engineChanged?.(engine);
});
