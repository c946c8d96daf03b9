#!/usr/bin/env node
// tenantctl runs the bundled CLI (out/cli/tenantctl.cjs, plain JavaScript: nothing compiles
// at start). In a source checkout the bundle is (re)built first when it is missing or older
// than one of the files it was made from — a stat of each (~200 files, a few ms).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${repoRoot}out/cli/tenantctl.cjs`;
const inputsFile = `${repoRoot}out/cli/tenantctl.inputs.json`;

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

if (bundleIsStale()) {
  const { buildCli } = await import('../scripts/build-cli.mjs');
  await buildCli();
}
createRequire(import.meta.url)(bundle);
