import pLimit from 'p-limit';
import { withClient } from '../postgres/pools';
import type { PlatformContext } from '../platform/platform-context';
import { FLEET_MIGRATE_CONCURRENCY } from './fleet-migrate';

export interface WarningPushReport {
  readonly updated: number;
  readonly failed: readonly { tenantCode: string; message: string }[];
}

/**
 * The soft-limit threshold lives in the platform settings (dashboards) and in every tenant
 * database (what `platform.check_limit` tells the ERP). After the setting changes, every
 * tenant database that has the limits schema gets the new value; one that fails is reported
 * and gets it again at its next limits push (plan change, override, fleet migration).
 */
export async function pushWarningPercent(ctx: PlatformContext, percent: number): Promise<WarningPushReport> {
  const { rows } = await ctx.pool.query<{ tenant_code: string; server_id: string; database_name: string }>(
    `SELECT tenant_code, server_id, database_name FROM tenants
      WHERE status IN ('active', 'suspended', 'cancelled') AND limits_pushed_at IS NOT NULL`,
  );
  const limit = pLimit(FLEET_MIGRATE_CONCURRENCY);
  const failed: { tenantCode: string; message: string }[] = [];
  let updated = 0;
  await Promise.all(
    rows.map((row) =>
      limit(async () => {
        try {
          await withClient(ctx.serverById(row.server_id).endpoint, row.database_name, (client) =>
            client.query('UPDATE platform.limits SET warning_percent = $1 WHERE warning_percent IS DISTINCT FROM $1', [percent]),
          );
          updated += 1;
        } catch (error) {
          failed.push({ tenantCode: row.tenant_code, message: (error as Error).message });
        }
      }),
    ),
  );
  if (failed.length > 0) ctx.logger.warn({ failed }, 'the new warning threshold did not reach every tenant database');
  return { updated, failed };
}
