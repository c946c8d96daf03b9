import { create } from 'zustand';
import type { FleetMigrateReport, FleetStatus, PlanVersion } from '../../src-shared/contract/plan-models';
import { api } from '../api/client';
import { errorMessage } from '../api/api-error';
import { notifyError, notifySuccess } from '../lib/notify';
import { newRequestId } from '../lib/request-id';
import type { LoadStatus } from './reference-store';
import { useReferenceStore } from './reference-store';
import { useTenantsStore } from './tenants-store';
import { useUsageStore } from './usage-store';

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
  load(): Promise<void>;
  loadFleet(): Promise<void>;
  /** After an edit or a move: this page, the plan pickers, the tenants list and usage follow. */
  changed(): void;
  migrate(): Promise<void>;
}

/** Groups plans:catalog (catalog order, newest version first within a plan) by plan code. */
export function groupCatalog(catalog: readonly PlanVersion[]): PlanFamily[] {
  const byCode = new Map<string, PlanVersion[]>();
  for (const version of catalog) byCode.set(version.code, [...(byCode.get(version.code) ?? []), version]);
  return [...byCode.entries()].flatMap(([code, versions]) => {
    const current = versions.find((v) => v.isCurrent);
    if (!current) return [];
    const grandfathered = versions.filter((v) => !v.isCurrent).reduce((sum, v) => sum + v.tenantCount, 0);
    return [{ code, current, versions, grandfathered }];
  });
}

let latestLoad = 0;

export const usePlansStore = create<PlansState>()((set, get) => ({
  families: [],
  status: 'idle',
  error: null,
  fleet: null,
  fleetError: null,
  migrating: null,
  lastMigration: null,

  async load() {
    const request = ++latestLoad;
    set({ status: 'loading', error: null });
    void get().loadFleet();
    try {
      const catalog = await api().call('plans:catalog', {});
      if (request === latestLoad) set({ families: groupCatalog(catalog), status: 'ready' });
    } catch (error) {
      if (request === latestLoad) set({ status: 'error', error: errorMessage(error) });
    }
  },

  async loadFleet() {
    try {
      set({ fleet: await api().call('fleet:status', {}), fleetError: null });
    } catch (error) {
      set({ fleetError: errorMessage(error) });
    }
  },

  changed() {
    void get().load();
    void useReferenceStore.getState().load();
    useTenantsStore.getState().refreshSoon();
    useUsageStore.getState().refreshIfLoaded();
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
      void get().loadFleet();
    }
  },
}));
