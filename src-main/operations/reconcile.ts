import type { ReconcileReport } from '../../src-shared/contract/models';
import type { PlatformContext } from '../platform/platform-context';
import { claimAbandonedOperations, releaseOperationLock, type OperationKind } from './journal';
import { JournaledOperation } from './run-journaled';

export type ReconcileOutcome = 'resumed' | 'rolledBack';

/**
 * Finishes one operation whose process died, from the step it reached: rolled back or
 * resumed, and ended in the journal. `reason` says why, for a rollback's journal entry.
 */
export type ReconcileHandler = (ctx: PlatformContext, operation: JournaledOperation, reason: string) => Promise<ReconcileOutcome>;

/** A capability's share of reconcile: the operation kinds it owns and how it finishes them. */
export interface Reconciler {
  readonly kinds: readonly OperationKind[];
  readonly handle: ReconcileHandler;
}

export type ReconcilerRegistry = ReadonlyMap<string, ReconcileHandler>;

/** The capabilities' reconcilers by kind; a kind claimed twice is a wiring mistake. */
export function reconcilerRegistry(reconcilers: readonly Reconciler[]): ReconcilerRegistry {
  const registry = new Map<string, ReconcileHandler>();
  for (const { kinds, handle } of reconcilers) {
    for (const kind of kinds) {
      if (registry.has(kind)) throw new Error(`Two reconcilers for "${kind}" operations.`);
      registry.set(kind, handle);
    }
  }
  return registry;
}

/**
 * Finishes every operation whose process died, each by the reconciler its kind registered.
 * Operations still owned by a live process are left alone. A kind nobody registered (say,
 * written by a newer console) is reported failed and left running, for a console that knows it.
 */
export async function reconcile(ctx: PlatformContext, registry: ReconcilerRegistry): Promise<ReconcileReport> {
  const session = await ctx.pool.connect();
  const report: ReconcileReport = { examined: 0, resumed: [], rolledBack: [], failed: [], skippedInProgress: 0 };
  try {
    const { claimed, busy } = await claimAbandonedOperations(session);
    report.examined = claimed.length + busy;
    report.skippedInProgress = busy;
    for (const record of claimed) {
      const entry = { operationId: record.id, kind: record.kind, tenantCode: record.tenantCode };
      try {
        const handle = registry.get(record.kind);
        if (!handle) {
          report.failed.push({ ...entry, message: `No reconciler knows "${record.kind}" operations: left running for a console that does.` });
          continue;
        }
        const reason = `rolled back by reconcile after an interruption at step "${record.step}"`;
        const outcome = await handle(ctx, new JournaledOperation(record, ctx.pool), reason);
        report[outcome].push(entry);
      } catch (error) {
        ctx.logger.error({ err: error, operation: record.id }, 'reconcile could not finish an operation');
        report.failed.push({ ...entry, message: (error as Error).message });
      } finally {
        await releaseOperationLock(session, record);
      }
    }
    if (report.examined > 0) ctx.logger.info({ report }, 'reconcile finished');
    return report;
  } finally {
    session.release();
  }
}
