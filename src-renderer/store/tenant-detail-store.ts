import { create } from 'zustand';
import type { EventPayload } from '../../src-shared/contract/events';
import type { TenantDetail } from '../../src-shared/contract/models';
import type { StatusAction } from '../../src-shared/domain/status';
import { api } from '../api/client';
import { errorMessage, isApiError } from '../api/api-error';
import { notifyError, notifySuccess } from '../lib/notify';
import type { LoadStatus } from './reference-store';
import { useBackupsStore } from './backups-store';
import { useTenantActivityStore } from './tenant-activity-store';
import { useTenantsStore } from './tenants-store';

/** How a status action ended: the modal closes on 'done' and 'conflict', stays open on 'failed'. */
export type ActionOutcome = 'done' | 'conflict' | 'failed';

/** Suspend and cancel back the tenant up first unless told not to (see tenants:suspend). */
export interface BackupFirstOptions {
  readonly backupFirst: boolean;
  /** The operator confirmed going ahead although the backup failed (audited by main). */
  readonly overrideBackupFailure?: boolean;
  /** Follows the backup's job:progress events and lets the dialog cancel it. */
  readonly requestId?: string;
}

/** Why the last status action failed, for the dialog that asked for it. */
export interface ActionFailure {
  readonly action: StatusAction;
  readonly code: string;
  readonly message: string;
}

interface TenantDetailState {
  readonly selectedCode: string | null;
  readonly detail: TenantDetail | null;
  readonly status: LoadStatus;
  readonly error: string | null;
  readonly busyAction: StatusAction | null;
  readonly lastFailure: ActionFailure | null;

  open(tenantCode: string): void;
  close(): void;
  reload(): Promise<void>;
  suspend(reason: string, options?: BackupFirstOptions): Promise<ActionOutcome>;
  activate(): Promise<ActionOutcome>;
  cancel(reason: string | undefined, options?: BackupFirstOptions): Promise<ActionOutcome>;
  onTenantChanged(event: EventPayload<'tenant:changed'>): void;
}

const PAST: Readonly<Record<StatusAction, string>> = {
  suspend: 'suspended',
  activate: 'activated',
  cancel: 'cancelled',
};

let latestRequest = 0;

export const useTenantDetailStore = create<TenantDetailState>()((set, get) => {
  async function fetchDetail(code: string, quiet: boolean): Promise<void> {
    const request = ++latestRequest;
    if (!quiet) set({ status: 'loading', error: null });
    try {
      const detail = await api().call('tenants:get', { ref: code });
      if (request !== latestRequest || get().selectedCode !== code) return;
      set({ detail, status: 'ready', error: null });
    } catch (error) {
      if (request !== latestRequest || get().selectedCode !== code) return;
      set({ status: 'error', error: errorMessage(error) });
    }
  }

  async function runAction(action: StatusAction, call: (tenant: TenantDetail) => Promise<TenantDetail>): Promise<ActionOutcome> {
    const tenant = get().detail;
    if (!tenant || get().busyAction) return 'failed';
    set({ busyAction: action, lastFailure: null });
    try {
      const updated: TenantDetail & { backup?: { backupId: string | null; overriddenFailure: string | null } } = await call(tenant);
      if (get().selectedCode === tenant.tenantCode) set({ detail: updated, status: 'ready' });
      const backupNote = updated.backup?.backupId ? ' A verified backup was made first.' : updated.backup?.overriddenFailure ? ' No backup was made (overridden).' : '';
      notifySuccess(`Tenant ${PAST[action]}`, `${updated.companyName} (${updated.tenantCode}) is now ${updated.status}.${backupNote}`);
      useTenantsStore.getState().refreshSoon();
      return 'done';
    } catch (error) {
      if (isApiError(error) && error.code === 'CONFLICT') {
        // Someone else changed the tenant: show main's message and the tenant as it is now.
        notifyError(`Could not ${action} ${tenant.tenantCode}`, error);
        await fetchDetail(tenant.tenantCode, true);
        useTenantsStore.getState().refreshSoon();
        return 'conflict';
      }
      notifyError(`Could not ${action} ${tenant.tenantCode}`, error);
      set({ lastFailure: { action, code: isApiError(error) ? error.code : 'INTERNAL', message: errorMessage(error) } });
      return 'failed';
    } finally {
      set({ busyAction: null });
      // Whatever the outcome, the journal has a new entry (done, failed or rolled back).
      useTenantActivityStore.getState().refresh();
      void useBackupsStore.getState().refresh();
    }
  }

  return {
    selectedCode: null,
    detail: null,
    status: 'idle',
    error: null,
    busyAction: null,
    lastFailure: null,

    open(tenantCode) {
      const current = get().detail;
      set({ selectedCode: tenantCode, detail: current?.tenantCode === tenantCode ? current : null });
      void fetchDetail(tenantCode, false);
      useTenantActivityStore.getState().load(tenantCode);
    },
    close() {
      latestRequest++;
      set({ selectedCode: null, status: 'idle', error: null });
      useTenantActivityStore.getState().clear();
    },
    async reload() {
      const code = get().selectedCode;
      if (!code) return;
      useTenantActivityStore.getState().refresh();
      await fetchDetail(code, false);
    },

    suspend: (reason, options = { backupFirst: true }) =>
      runAction('suspend', (tenant) =>
        api().call('tenants:suspend', { ref: tenant.tenantCode, reason, expectedVersion: tenant.version, ...options }),
      ),
    activate: () =>
      runAction('activate', (tenant) =>
        api().call('tenants:activate', { ref: tenant.tenantCode, expectedVersion: tenant.version }),
      ),
    cancel: (reason, options = { backupFirst: true }) =>
      runAction('cancel', (tenant) =>
        api().call('tenants:cancel', {
          ref: tenant.tenantCode,
          ...(reason ? { reason } : {}),
          expectedVersion: tenant.version,
          ...options,
        }),
      ),

    onTenantChanged(event) {
      const { selectedCode, detail, busyAction } = get();
      // This window's own action reloads both when it ends.
      if (selectedCode !== event.tenantCode || busyAction) return;
      // The journal gained an entry even if the detail shown is already this version.
      useTenantActivityStore.getState().refresh();
      if (detail && detail.version >= event.version) return;
      void fetchDetail(event.tenantCode, true);
    },
  };
});
