import type { PlatformContext } from '../platform/platform-context';
import type { JobRegistry } from '../jobs/job-registry';
import type { SecretStore } from '../secrets/secret-store';

/** What backup, restore, export and deletion need beyond the platform: the data folder, the job registry and the secret store (the archives' signing key). */
export interface BackupContext {
  readonly ctx: PlatformContext;
  readonly dataDir: string;
  readonly jobs: JobRegistry;
  readonly secrets: SecretStore;
}

export type JobOperation = 'backup' | 'restore' | 'export' | 'delete';

/** A progress emitter for one job: job:progress events with tables and bytes, for the caller's requestId only. */
export function progressEmitter(ctx: PlatformContext, requestId: string | undefined, operation: JobOperation, tenantCode: string | null) {
  return (step: string, message: string, counts: { tablesDone?: number; tablesTotal?: number; bytesDone?: number } = {}) => {
    if (!requestId) return;
    ctx.events.emit('job:progress', {
      requestId,
      operation,
      tenantCode,
      step,
      stepIndex: counts.tablesDone ?? 0,
      stepCount: counts.tablesTotal ?? 0,
      message,
      ...counts,
    });
  };
}

export type ProgressEmitter = ReturnType<typeof progressEmitter>;

export const formatBytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(0)} kB` : `${bytes} B`;
