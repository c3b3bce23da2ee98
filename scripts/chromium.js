// chromium.js — how the browser tests, the screenshot and the browser benchmark start
// Debian's Chromium (with playwright-core), and the flags of the fake camera.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = Object.freeze(['--headless', '--no-sandbox', '--disable-gpu',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--disable-quic']);

/** The fake camera: build/camera/astronaut.y4m (`make build/camera/astronaut.y4m`), played in a loop. */
export const FAKE_CAMERA_Y4M = join(fileURLToPath(new URL('..', import.meta.url)), 'build', 'camera', 'astronaut.y4m');

export const fakeCameraArgs = (y4m = FAKE_CAMERA_Y4M) =>
  ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`];
