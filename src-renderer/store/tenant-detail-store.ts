import { create } from 'zustand';
import type { TenantDetail } from '../../src-shared/contract/models';
import type { StatusAction } from '../../src-shared/domain/status';
import { api } from '../api/client';
import { errorMessage, isApiError } from '../api/api-error';
import { createLoader, type LoadStatus } from '../lib/latest-request';
import { notifyError, notifySuccess } from '../lib/notify';
import { invalidate } from './invalidation';
import type { TenantTabName } from '../navigation/page-names';

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
  /** The drawer's tab: part of the address (navigation/address.ts), so kept here, not in the drawer. */
  readonly tab: TenantTabName;
  readonly detail: TenantDetail | null;
  readonly status: LoadStatus;
  readonly error: string | null;
  readonly busyAction: StatusAction | null;
  readonly lastFailure: ActionFailure | null;

  /** Opens the drawer on a tenant, on its first tab unless told which. */
  open(tenantCode: string, tab?: TenantTabName): void;
  setTab(tab: TenantTabName): void;
  close(): void;
  reload(): Promise<void>;
  /** Main's answer to a change made here (a plan change): shown without another round trip. */
  show(detail: TenantDetail): void;
  suspend(reason: string, options?: BackupFirstOptions): Promise<ActionOutcome>;
  activate(): Promise<ActionOutcome>;
  cancel(reason: string | undefined, options?: BackupFirstOptions): Promise<ActionOutcome>;
  /** Another window (or main) changed a tenant: reload it quietly if it is the one shown, at a newer version. */
  onTenantChanged(event: { readonly tenantCode: string; readonly version: number }): void;
}

const PAST: Readonly<Record<StatusAction, string>> = {
  suspend: 'suspended',
  activate: 'activated',
  cancel: 'cancelled',
};

export const useTenantDetailStore = create<TenantDetailState>()((set, get) => {
  // Only the answer to the latest request is applied; closing the drawer drops the one in flight.
  const tenant = createLoader({
    fetch: () => api().call('tenants:get', { ref: get().selectedCode ?? '' }),
    ready: (detail) => ({ detail }),
    set,
  });

  async function runAction(action: StatusAction, call: (tenant: TenantDetail) => Promise<TenantDetail>): Promise<ActionOutcome> {
    const shown = get().detail;
    if (!shown || get().busyAction) return 'failed';
    set({ busyAction: action, lastFailure: null });
    try {
      const updated: TenantDetail & { backup?: { backupId: string | null; overriddenFailure: string | null } } = await call(shown);
      if (get().selectedCode === shown.tenantCode) set({ detail: updated, status: 'ready' });
      const backupNote = updated.backup?.backupId ? ' A verified backup was made first.' : updated.backup?.overriddenFailure ? ' No backup was made (overridden).' : '';
      notifySuccess(`Tenant ${PAST[action]}`, `${updated.companyName} (${updated.tenantCode}) is now ${updated.status}.${backupNote}`);
      return 'done';
    } catch (error) {
      if (isApiError(error) && error.code === 'CONFLICT') {
        // Someone else changed the tenant: show main's message and the tenant as it is now.
        notifyError(`Could not ${action} ${shown.tenantCode}`, error);
        if (get().selectedCode === shown.tenantCode) await tenant.load({ quiet: true });
        return 'conflict';
      }
      notifyError(`Could not ${action} ${shown.tenantCode}`, error);
      set({ lastFailure: { action, code: isApiError(error) ? error.code : 'INTERNAL', message: errorMessage(error) } });
      return 'failed';
    } finally {
      set({ busyAction: null });
      // Whatever the outcome, the journal has a new entry (done, failed or rolled back).
      invalidate({ event: 'tenant:statusChanged', tenantCode: shown.tenantCode });
    }
  }

  return {
    selectedCode: null,
    tab: 'overview',
    detail: null,
    status: 'idle',
    error: null,
    busyAction: null,
    lastFailure: null,

    open(tenantCode, tab = 'overview') {
      const current = get().detail;
      set({ selectedCode: tenantCode, tab, detail: current?.tenantCode === tenantCode ? current : null });
      void tenant.load();
    },
    setTab: (tab) => set({ tab }),
    close() {
      tenant.cancel();
      set({ selectedCode: null, tab: 'overview', status: 'idle', error: null });
    },
    async reload() {
      if (get().selectedCode) await tenant.load();
    },
    show(detail) {
      if (get().selectedCode !== detail.tenantCode) return;
      tenant.cancel();
      set({ detail, status: 'ready', error: null });
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
      // This window's own action reloads it when it ends; a version already shown needs nothing.
      if (selectedCode !== event.tenantCode || busyAction) return;
      if (detail && detail.version >= event.version) return;
      void tenant.load({ quiet: true });
    },
  };
});
