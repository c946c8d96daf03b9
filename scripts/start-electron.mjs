// Launches the built app (out/) in Electron: `npm start` runs the build first.
// The electron npm package only reports where its binary should be; the binary itself is
// downloaded by its install script, which this project does not run automatically.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { problem: `the electron package points at ${String(path)}, which does not exist` };
  } catch (error) {
    return { problem: String(error?.message ?? error).split('\n')[0] };
  }
}

const binary = electronBinary();
if (!binary.path) {
  console.error(
    [
      `Tenant Console: the Electron binary is not installed (${binary.problem}).`,
      '  Fetch it with `npm run electron:fetch` on a machine with internet access,',
      '  or run the same console in a browser with `npm run host` (it prints the URL).',
    ].join('\n'),
  );
  process.exit(1);
}

const missing = ['out/main/main.cjs', 'out/preload/preload.cjs', 'out/renderer/index.html'].filter(
  (file) => !existsSync(join(repoRoot, file)),
);
if (missing.length > 0) {
  console.error(`Tenant Console is not built (missing ${missing.join(', ')}): run \`npm start\`, which builds first.`);
  process.exit(1);
}

const args = [];
// Chromium refuses to run as root with its OS-level sandbox (setuid/namespace sandbox for
// its helper processes). As root on Linux (containers, CI) that sandbox must be switched
// off with --no-sandbox; the renderer's own `sandbox: true` (no Node, narrow preload) is
// unaffected. Never passed for a normal user, where the OS sandbox works.
if (process.platform === 'linux' && process.getuid?.() === 0) args.push('--no-sandbox');
args.push(repoRoot, ...process.argv.slice(2));

const env = { ...process.env };
// Would make the Electron binary behave as plain Node and ignore the app.
delete env.ELECTRON_RUN_AS_NODE;

const child = spawn(binary.path, args, { stdio: 'inherit', env, cwd: repoRoot });
// Ctrl-C in the terminal reaches Electron directly (same process group): this wrapper only
// waits for it to close its core and exit. A TERM or HUP sent to the wrapper alone is
// passed on for the same clean shutdown.
process.on('SIGINT', () => {});
for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  console.error(`Tenant Console: could not start Electron (${binary.path}): ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
