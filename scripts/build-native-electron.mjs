// Builds better-sqlite3 for Electron's ABI into out/native/, leaving node_modules on Node's
// ABI for the tests (STYLE.md, "SQLite and native modules"). The core opens SQLite with
// better-sqlite3's `nativeBinding` option pointing at out/native/better_sqlite3.node when it
// runs inside Electron; electron-builder ships out/native unpacked from asar.
//
//   node scripts/build-native-electron.mjs [--from-source] [--arch=x64|arm64]
//
// It works on a copy under .tmp/ and needs internet the first time: @electron/rebuild
// downloads either a prebuilt binary for Electron's ABI (GitHub releases) or, with
// --from-source, Electron's headers (electronjs.org) and compiles with the local C++
// toolchain. Without them it fails with a clear message, never silently.
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const fromSource = process.argv.includes('--from-source');
const arch = process.argv.find((arg) => arg.startsWith('--arch='))?.slice('--arch='.length) ?? process.arch;

const readJson = async (path) => JSON.parse(await readFile(path, 'utf8'));
const electronVersion = (await readJson(join(repoRoot, 'node_modules/electron/package.json'))).version;
const electronAbi = (await readFile(join(repoRoot, 'node_modules/electron/abi_version'), 'utf8').catch(() => '?')).trim();
const sqliteVersion = (await readJson(join(repoRoot, 'node_modules/better-sqlite3/package.json'))).version;

// Inside the repo (.tmp is ignored) so the copy resolves bindings, prebuild-install and
// node-gyp from the repo's node_modules.
const staging = join(repoRoot, '.tmp', 'native-electron', `${electronVersion}-${process.platform}-${arch}`);
const outDir = join(repoRoot, 'out', 'native');
const target = `better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (ABI ${electronAbi}, ${process.platform}-${arch})`;

function fail(reason) {
  console.error(
    [
      `build-native-electron: could not build ${target}.`,
      `  ${reason}`,
      '  This step needs internet access once: a prebuilt binary from the better-sqlite3 releases on GitHub,',
      '  or (with --from-source) the Electron headers from https://www.electronjs.org/headers and a C++ toolchain',
      '  (python3, make, g++ on Linux; Xcode tools on macOS; Visual Studio Build Tools on Windows).',
      '  node_modules was not touched: the tests keep using the Node build.',
    ].join('\n'),
  );
  process.exit(1);
}

let rebuild;
try {
  ({ rebuild } = await import('@electron/rebuild'));
} catch (error) {
  fail(`@electron/rebuild is not installed (it comes with electron-builder; run npm ci): ${error.message}`);
}

console.log(`build-native-electron: building ${target}${fromSource ? ' from source' : ''} in ${staging}`);
await rm(staging, { recursive: true, force: true });
await mkdir(join(staging, 'node_modules'), { recursive: true });
await writeFile(
  join(staging, 'package.json'),
  JSON.stringify({ name: 'tenant-console-native-electron', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }, null, 2),
);
// The sources only: the Node-ABI build output stays behind.
await cp(join(repoRoot, 'node_modules/better-sqlite3'), join(staging, 'node_modules/better-sqlite3'), {
  recursive: true,
  filter: (source) => !source.includes(`${join('better-sqlite3', 'build')}`),
});

try {
  await rebuild({
    buildPath: staging,
    electronVersion,
    arch,
    onlyModules: ['better-sqlite3'],
    force: true,
    buildFromSource: fromSource,
    mode: 'sequential',
  });
} catch (error) {
  fail(`@electron/rebuild failed: ${String(error?.message ?? error).split('\n').slice(0, 3).join(' / ')}`);
}

const built = join(staging, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
const size = await stat(built).then((info) => info.size, () => 0);
if (size === 0) fail(`@electron/rebuild reported success but produced no ${built}`);

await mkdir(outDir, { recursive: true });
await cp(built, join(outDir, 'better_sqlite3.node'));
await writeFile(
  join(outDir, 'better_sqlite3.json'),
  `${JSON.stringify({ module: 'better-sqlite3', version: sqliteVersion, electronVersion, abi: electronAbi, platform: process.platform, arch, builtAt: new Date().toISOString() }, null, 2)}\n`,
);
console.log(`build-native-electron: wrote ${join(outDir, 'better_sqlite3.node')} (${target})`);
