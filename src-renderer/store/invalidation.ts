import type { ConsoleStatus } from '../../src-shared/contract/offline-models';

/**
 * What happened: a contract event main pushed, or a change this window just made. Views never
 * reload each other; they name what happened (`invalidate`) and the table below says what to
 * reload. `tenantCode` narrows tenant-scoped reloads to the tenant it concerns.
 */
export type Trigger =
  // Contract events (src-shared/contract/events.ts) and the event stream itself.
  | { readonly event: 'tenant:changed'; readonly tenantCode: string; readonly version: number }
  | { readonly event: 'usage:collected' }
  /** Online/offline flipped or a snapshot review began or ended (see connectivityTrigger). */
  | { readonly event: 'console:connectivity'; readonly online: boolean; readonly backOnline: boolean }
  /** The host-mode event stream came back: events sent meanwhile are lost. */
  | { readonly event: 'stream:reconnected' }
  // Changes made in this window.
  | { readonly event: 'tenant:created' }
  | { readonly event: 'tenant:statusChanged'; readonly tenantCode: string }
  | { readonly event: 'tenant:planChanged'; readonly tenantCode: string }
  | { readonly event: 'tenant:overridesChanged'; readonly tenantCode: string }
  | { readonly event: 'tenant:billingChanged'; readonly tenantCode: string }
  | { readonly event: 'tenant:backedUp'; readonly tenantCode: string }
  | { readonly event: 'tenant:exported'; readonly tenantCode: string }
  | { readonly event: 'tenant:restored'; readonly tenantCode: string }
  | { readonly event: 'tenant:deleted'; readonly tenantCode: string }
  | { readonly event: 'tenants:reconciled' }
  | { readonly event: 'tenants:scheduledDeletionsRan' }
  | { readonly event: 'plan:edited' }
  | { readonly event: 'plan:tenantsMoved'; readonly tenantCodes: readonly string[] }
  /** A payment recorded or an invoice voided. */
  | { readonly event: 'invoice:changed' }
  | { readonly event: 'billing:jobsRan' }
  | { readonly event: 'billing:settingsSaved' };

export type TriggerName = Trigger['event'];

/** Everything that can be reloaded: the stores, and the component-local queries by key. */
export type ReloadKey =
  | 'connectivity'
  | 'reference'
  | 'tenants'
  | 'tenantDetail'
  | 'tenantActivity'
  | 'tenantPlan'
  | 'backups'
  | 'usage'
  | 'plans'
  | 'audit'
  | 'billingOverview'
  | 'tenantBilling';

/** The table: what each happening makes stale. Keep it the one place where this is decided. */
export const INVALIDATION = {
  'tenant:changed': ['tenants', 'tenantDetail', 'tenantActivity'],
  'usage:collected': ['usage'],
  'console:connectivity': ['tenants', 'tenantDetail', 'tenantActivity', 'tenantPlan', 'usage', 'plans', 'audit', 'reference'],
  'stream:reconnected': ['connectivity', 'tenants', 'tenantDetail', 'tenantActivity'],
  'tenant:created': ['tenants'],
  'tenant:statusChanged': ['tenants', 'tenantActivity', 'backups'],
  'tenant:planChanged': ['tenants', 'tenantPlan', 'usage'],
  'tenant:overridesChanged': ['tenantPlan', 'usage'],
  'tenant:billingChanged': ['tenants', 'tenantDetail', 'tenantActivity'],
  'tenant:backedUp': ['backups', 'tenantActivity'],
  'tenant:exported': ['tenantActivity'],
  'tenant:restored': ['tenants', 'tenantDetail', 'tenantActivity', 'backups'],
  'tenant:deleted': ['tenants', 'tenantDetail', 'tenantActivity', 'backups'],
  'tenants:reconciled': ['tenants'],
  'tenants:scheduledDeletionsRan': ['tenants'],
  'plan:edited': ['plans', 'reference', 'tenants', 'usage'],
  'plan:tenantsMoved': ['plans', 'reference', 'tenants', 'usage', 'tenantDetail', 'tenantActivity'],
  'invoice:changed': ['billingOverview', 'tenantBilling'],
  'billing:jobsRan': ['billingOverview'],
  'billing:settingsSaved': ['billingOverview'],
} as const satisfies Record<TriggerName, readonly ReloadKey[]>;

export function reloadsFor(trigger: Trigger): readonly ReloadKey[] {
  return INVALIDATION[trigger.event];
}

/** How one key reloads; it gets the trigger to narrow itself (a tenant not shown is left alone). */
export type Reloaders = Readonly<Record<ReloadKey, (trigger: Trigger) => void>>;

/** Runs exactly the reloads the table lists for this trigger. */
export function applyInvalidation(trigger: Trigger, reloaders: Reloaders): void {
  for (const key of reloadsFor(trigger)) reloaders[key](trigger);
}

/** Whether a tenant-scoped view showing `tenantCode` is concerned (triggers without a tenant concern every one). */
export function concerns(trigger: Trigger, tenantCode: string | null): boolean {
  if (tenantCode === null) return false;
  if ('tenantCode' in trigger) return trigger.tenantCode === tenantCode;
  if ('tenantCodes' in trigger) return trigger.tenantCodes.includes(tenantCode);
  return true;
}

/**
 * The connectivity trigger for a new console status, or null when neither online/offline nor
 * the review under way changed (main also re-sends an unchanged status). The first status counts.
 */
export function connectivityTrigger(before: ConsoleStatus | null, now: ConsoleStatus | null): Trigger | null {
  if (!now) return null;
  if (before && now.online === before.online && (now.review?.importedAt ?? null) === (before.review?.importedAt ?? null)) return null;
  return { event: 'console:connectivity', online: now.online, backOnline: now.online && before !== null && !before.online };
}

type Listener = (trigger: Trigger) => void;
const listeners = new Set<Listener>();

/** Says what happened; the one subscriber (App) reloads what the table lists. */
export function invalidate(trigger: Trigger): void {
  for (const listener of listeners) listener(trigger);
}

export function onInvalidate(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
