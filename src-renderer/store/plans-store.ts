import { create } from 'zustand';
import type { FleetMigrateReport, FleetStatus, PlanVersion } from '../../src-shared/contract/plan-models';
import { api } from '../api/client';
import { createLoader, type LoadStatus } from '../lib/latest-request';
import { notifyError, notifySuccess } from '../lib/notify';
import { newRequestId } from '../lib/request-id';

/** One plan: its current version first, then the older (grandfathered) ones. */
export interface PlanFamily {
  readonly code: string;
  readonly current: PlanVersion;
  readonly versions: readonly PlanVersion[];
  /** Tenants on versions other than the current one: who "Move tenants" concerns. */
  readonly grandfathered: number;
}

export interface MigrateProgress {
  readonly done: number;
  readonly total: number;
  readonly message: string;
  readonly failed: number;
}

interface PlansState {
  readonly families: readonly PlanFamily[];
  readonly status: LoadStatus;
  readonly error: string | null;
  readonly fleet: FleetStatus | null;
  readonly fleetError: string | null;
  readonly migrating: MigrateProgress | null;
  /** The last run's report (failures stay listed until the next run). */
  readonly lastMigration: FleetMigrateReport | null;
  /** The catalog, and the fleet's tenant-schema status beside it. */
  load(): Promise<void>;
  migrate(): Promise<void>;
}

/** Groups plans:catalog (catalog order, newest version first within a plan) by plan code. */
function groupCatalog(catalog: readonly PlanVersion[]): PlanFamily[] {
  const byCode = new Map<string, PlanVersion[]>();
  for (const version of catalog) byCode.set(version.code, [...(byCode.get(version.code) ?? []), version]);
  return [...byCode.entries()].flatMap(([code, versions]) => {
    const current = versions.find((v) => v.isCurrent);
    if (!current) return [];
    const grandfathered = versions.filter((v) => !v.isCurrent).reduce((sum, v) => sum + v.tenantCount, 0);
    return [{ code, current, versions, grandfathered }];
  });
}

export const usePlansStore = create<PlansState>()((set, get) => {
  const catalog = createLoader({
    fetch: () => api().call('plans:catalog', {}),
    ready: (versions) => ({ families: groupCatalog(versions) }),
    set,
  });
  // The fleet card keeps its figures and error through a reload (quiet loads); it has no status of its own.
  const fleet = createLoader({
    fetch: () => api().call('fleet:status', {}),
    ready: (status) => ({ fleet: status }),
    set: ({ error, status: _status, ...patch }) => set({ ...patch, fleetError: error }),
  });

  return {
    families: [],
    status: 'idle',
    error: null,
    fleet: null,
    fleetError: null,
    migrating: null,
    lastMigration: null,

    load() {
      void fleet.load({ quiet: true });
      return catalog.load();
    },

    async migrate() {
      if (get().migrating) return;
      const requestId = newRequestId();
      set({ migrating: { done: 0, total: get().fleet?.behind ?? 0, message: 'Starting…', failed: 0 }, lastMigration: null });
      const off = api().subscribe('job:progress', (event) => {
        if (event.requestId !== requestId) return;
        const failed = (get().migrating?.failed ?? 0) + (event.step === 'failed' ? 1 : 0);
        set({ migrating: { done: event.stepIndex, total: event.stepCount, message: event.message, failed } });
      });
      try {
        const report = await api().call('fleet:migrate', { requestId });
        set({ lastMigration: report });
        if (report.failed.length === 0) {
          notifySuccess('Tenant schema up to date', `${report.migrated.length} migrated to v${report.schemaVersion}; ${report.upToDate} already were.`);
        }
      } catch (error) {
        notifyError('Tenant-schema migrations could not run', error);
      } finally {
        off();
        set({ migrating: null });
        void fleet.load({ quiet: true });
      }
    },
  };
});
