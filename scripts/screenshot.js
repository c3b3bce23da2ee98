#!/usr/bin/env node
// screenshot.js — a PNG of the demo page's camera mode running on the fake camera, with
// "Blur faces" on (`make screenshot`; the README shows it): headless Chromium, a fresh
// profile, the astronaut video of build/camera/astronaut.y4m as the camera.
//
//   node scripts/screenshot.js [OUT.png]      (default web/screenshot-camera.png)
//
// Needs the wasm engine, the sharded model and the y4m: `make screenshot` makes them.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, FAKE_CAMERA_Y4M, fakeCameraArgs } from './chromium.js';
import { startServer } from './serve.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const FRAMES = 30; // shown before the picture is taken, so that the FPS figure has settled

async function screenshot(out) {
  if (!existsSync(FAKE_CAMERA_Y4M)) throw new Error(`no ${FAKE_CAMERA_Y4M}: run \`make build/camera/astronaut.y4m\``);
  const server = await startServer({ root: REPO, port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...fakeCameraArgs()] });
  try {
    const context = await browser.newContext({ permissions: ['camera'], viewport: { width: 1100, height: 960 } });
    const page = await context.newPage();
    await page.goto(`${server.url}web/`);
    await page.waitForFunction((n) => {
      const { status, frames } = document.querySelector('#camera').dataset;
      return status === 'error' || Number(frames) >= n;
    }, FRAMES, { timeout: 90_000 });
    const problem = await page.evaluate(() => document.querySelector('#camera').dataset.status === 'error' &&
      document.querySelector('#camera-error').textContent);
    if (problem) throw new Error(`the camera mode failed: ${problem}`);
    await page.check('#camera-blur');
    const frames = await page.evaluate(() => window.__edgeinfer.camera.frames);
    await page.waitForFunction((n) => window.__edgeinfer.camera.frames >= n, frames + 10);
    await page.screenshot({ path: out });
    console.log(`screenshot: ${out} (${await page.locator('#camera-stats').innerText()})`);
  } finally {
    await browser.close();
    await server.close();
  }
}

screenshot(resolve(process.argv[2] ?? join(REPO, 'web', 'screenshot-camera.png'))).catch((err) => {
  console.error(`screenshot: ${err.message}`);
  process.exitCode = 1;
});
