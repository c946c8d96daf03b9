import type { AppInfo } from '../../src-shared/contract/models';
import type { SecretStore } from '../secrets/secret-store';
import type { Dispatch } from './dispatch';
import type { EventBus } from './event-bus';

export interface ConsoleCoreOptions {
  readonly mode: AppInfo['mode'];
  /** Defaults to TENANT_CONSOLE_DATA_DIR, then the OS app-data folder. */
  readonly dataDir?: string;
  /** An external server's admin URL; defaults to TENANT_CONSOLE_DATABASE_URL; unset = embedded. */
  readonly databaseUrl?: string | null;
  /** Defaults to a mode-0600 file in the data folder; the desktop app passes safeStorage. */
  readonly secretStore?: SecretStore;
  readonly appVersion?: string;
}

export interface ConsoleCore {
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  readonly info: AppInfo;
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function openConsoleCore(_options: ConsoleCoreOptions): Promise<ConsoleCore> {
  throw new Error('not yet implemented');
}
