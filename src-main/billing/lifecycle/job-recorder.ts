import pLimit from 'p-limit';
import type { JobAction } from '../../../src-shared/contract/billing-models';
import { isAppError } from '../../base/app-error';
import type { BillingContext } from '../billing-context';

export interface JobError {
  readonly step: string;
  readonly tenantCode: string | null;
  readonly message: string;
}

/**
 * What one lifecycle run did: every action (audited as `billing:<kind>` when it happens)
 * and every failure, kept to its step and tenant so one tenant's problem never stops the
 * others or the later steps.
 */
export class JobRecorder {
  readonly actions: JobAction[] = [];
  readonly errors: JobError[] = [];

  constructor(private readonly b: BillingContext) {}

  async act(kind: JobAction['kind'], tenantCode: string | null, detail: string, details: Record<string, unknown> = {}): Promise<void> {
    this.actions.push({ kind, tenantCode, detail });
    await this.b.audit.record({ action: `billing:${kind}`, tenant: tenantCode, details: { detail, ...details }, outcome: 'ok' }).catch((error) => {
      this.b.ctx.logger.error({ err: error, kind, tenantCode }, 'auditing a billing action failed');
    });
  }

  async fail(step: string, tenantCode: string | null, error: unknown): Promise<void> {
    const message = (error as Error).message ?? String(error);
    this.errors.push({ step, tenantCode, message });
    this.b.ctx.logger.warn({ err: error, step, tenantCode }, 'billing job step failed');
    await this.b.audit
      .record({ action: `billing:${step}`, tenant: tenantCode, details: { error: message }, outcome: isAppError(error) ? error.code : 'INTERNAL' })
      .catch(() => undefined);
  }

  /**
   * Runs `work` for each item; a failure is recorded against that tenant and the loop goes
   * on. `concurrency` > 1 only for work that touches nothing but its own tenant's rows and
   * a notice (status changes with backups stay one at a time).
   */
  async eachTenant<T extends { tenant_code: string }>(step: string, items: readonly T[], work: (item: T) => Promise<void>, concurrency = 1): Promise<void> {
    const limit = pLimit(concurrency);
    await Promise.all(
      items.map((item) =>
        limit(async () => {
          try {
            await work(item);
          } catch (error) {
            await this.fail(step, item.tenant_code, error);
          }
        }),
      ),
    );
  }

  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const action of this.actions) counts[action.kind] = (counts[action.kind] ?? 0) + 1;
    return counts;
  }
}
