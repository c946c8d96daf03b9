#!/usr/bin/env node
// tenantctl runs the bundled CLI (out/cli/tenantctl.cjs, plain JavaScript: nothing compiles
// TypeScript at start). In a source checkout the bundle is (re)built first when it is missing
// or older than one of the files it was made from — a stat of each (~200 files, a few ms).
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const bundleDir = `${repoRoot}out/cli`;
const bundle = `${bundleDir}/tenantctl.cjs`;
const inputsFile = `${bundleDir}/tenantctl.inputs.json`;

function bundleIsStale() {
  if (!existsSync(`${repoRoot}src-main`)) return !existsSync(bundle);
  try {
    const builtAt = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
    // A missing input (renamed, deleted) counts as newer: statSync throws.
    return inputs.some((input) => statSync(`${repoRoot}${input}`).mtimeMs > builtAt);
  } catch {
    return true;
  }
}

/**
 * Runs the bundle as CommonJS with V8's code cache: compiling the ~3 MB bundle (and the functions
 * a command runs) is a good part of a command's start, and Node 20 has no compile cache of its
 * own. The cache belongs to one build (size and mtime in its name; a build removes old ones);
 * the first real command after a build writes it, with the functions that command compiled.
 */
function runBundle() {
  const { size, mtimeMs } = statSync(bundle);
  const cacheFile = `${bundle}.${size}-${Math.floor(mtimeMs)}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  const args = process.argv.slice(2);
  const lightRun = args.length === 0 || args.some((arg) => ['--version', '-V', '--help', '-h', 'help'].includes(arg));
  if ((!cachedData || script.cachedDataRejected) && !lightRun) {
    process.once('exit', () => {
      try {
        const temporary = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
      } catch {
        // A read-only install runs without the cache.
      }
    });
  }
  const module = { exports: {}, filename: bundle, id: bundle, loaded: false };
  script.runInThisContext().call(module.exports, module.exports, createRequire(bundle), module, bundle, bundleDir);
}

if (bundleIsStale()) {
  const { buildCli } = await import('../scripts/build-cli.mjs');
  await buildCli();
}
runBundle();
