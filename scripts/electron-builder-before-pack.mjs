// electron-builder beforePack hook: refuses to package unless out/native holds
// better-sqlite3 built for this Electron, platform and arch (scripts/build-native-electron.mjs).
// Without it the app would ship a Node-ABI binary and fail on first start.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

export default async function beforePack(context) {
  const root = context.packager.projectDir;
  const platform = context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
  const manifestPath = join(root, 'out/native/better_sqlite3.json');
  const binaryPath = join(root, 'out/native/better_sqlite3.node');
  const howTo = `Run \`node scripts/build-native-electron.mjs --arch=${arch}\` on a ${platform} machine first.`;

  if (!existsSync(manifestPath) || !existsSync(binaryPath)) {
    throw new Error(`Packaging needs better-sqlite3 built for Electron ${electronVersion} in out/native/. ${howTo}`);
  }
  const built = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (built.electronVersion !== electronVersion || built.platform !== platform || built.arch !== arch) {
    throw new Error(
      `out/native/better_sqlite3.node was built for Electron ${built.electronVersion} ${built.platform}-${built.arch}, ` +
        `but this package is Electron ${electronVersion} ${platform}-${arch}. ${howTo}`,
    );
  }
}
