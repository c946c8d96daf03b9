import { reloadQueries } from '../lib/query-keys';
import { useAuditStore } from './audit-store';
import { useBackupsStore } from './backups-store';
import { useConnectivityStore } from './connectivity-store';
import { concerns, type Reloaders } from './invalidation';
import { usePlansStore } from './plans-store';
import { useReferenceStore } from './reference-store';
import { useTenantActivityStore } from './tenant-activity-store';
import { useTenantDetailStore } from './tenant-detail-store';
import { useTenantPlanStore } from './tenant-plan-store';
import { useTenantsStore } from './tenants-store';
import { useUsageStore } from './usage-store';

/**
 * How each key of the invalidation table reloads. A view that is not shown (never loaded, or
 * showing another tenant) is left alone: it loads when it is opened.
 */
export const RELOADERS: Reloaders = {
  connectivity: () => void useConnectivityStore.getState().load(),
  reference(trigger) {
    // Offline the plans and settings come from the cache already shown; back online they may have moved.
    if (trigger.event === 'console:connectivity' && !trigger.backOnline) return;
    void useReferenceStore.getState().load();
  },
  // Bursts (a provisioning run sends many tenant:changed) make one reload.
  tenants: () => useTenantsStore.getState().refreshSoon(),
  tenantDetail(trigger) {
    const detail = useTenantDetailStore.getState();
    if (trigger.event === 'tenant:changed') detail.onTenantChanged(trigger);
    else if (concerns(trigger, detail.selectedCode)) void detail.reload();
  },
  tenantActivity(trigger) {
    const activity = useTenantActivityStore.getState();
    if (!concerns(trigger, activity.tenantCode)) return;
    // This window's own status action refreshes the journal when it ends.
    if (trigger.event === 'tenant:changed' && useTenantDetailStore.getState().busyAction) return;
    activity.refresh();
  },
  tenantPlan(trigger) {
    const plan = useTenantPlanStore.getState();
    // The store keeps the last tenant shown: only while its drawer is still open on it (or it changed it).
    const shown = trigger.event === 'console:connectivity' ? useTenantDetailStore.getState().selectedCode : plan.tenantCode;
    if (shown === plan.tenantCode && concerns(trigger, plan.tenantCode)) plan.reload();
  },
  backups: () => void useBackupsStore.getState().refresh(),
  usage(trigger) {
    const usage = useUsageStore.getState();
    // This window's own collection reloads when its call returns.
    if (trigger.event === 'usage:collected' && usage.collecting) return;
    usage.refreshIfLoaded();
  },
  plans(trigger) {
    if (trigger.event === 'console:connectivity' && !trigger.online) return;
    if (usePlansStore.getState().status !== 'idle') void usePlansStore.getState().load();
  },
  audit() {
    const audit = useAuditStore.getState();
    if (audit.status === 'idle') return;
    void audit.loadOutbox();
    void audit.load();
  },
  billingOverview: () => reloadQueries('billingOverview'),
  tenantBilling: () => reloadQueries('tenantBilling'),
};
