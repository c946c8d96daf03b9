import type { CheckLimitResult } from '../../src-shared/contract/tenant-access-channels';
import { AppError } from '../base/app-error';
import type { PlatformContext } from '../platform/platform-context';
import { pgErrorCode } from '../postgres/errors';
import { withClient } from '../postgres/pools';
import { getTenantRow } from '../tenants/tenant-queries';

const INVALID_PARAMETER = '22023';

/**
 * "May this tenant create one more?", answered by the tenant database itself
 * (`platform.check_limit`, the function the ERP calls): the same counters and effective
 * limit the triggers enforce, so the answer and the enforcement never disagree. The tenant
 * is looked up on the caller's connection (its grants apply); the tenant database is read
 * with the console's server connection, under the tenant-session timeouts.
 */
export async function checkTenantLimit(ctx: PlatformContext, input: { ref: string; resource: string; companyId?: number | undefined }): Promise<CheckLimitResult> {
  const row = await getTenantRow(ctx.pool, input.ref);
  try {
    const { rows } = await withClient(
      ctx.serverById(row.server_id).endpoint,
      row.database_name,
      (client) =>
        client.query<{ can_create: boolean; current: number; limit: number | null; message: string | null }>(
          'SELECT can_create, current, "limit", message FROM platform.check_limit($1, $2)',
          [input.resource, input.companyId ?? null],
        ),
      { waitForClose: false },
    );
    const answer = rows[0]!;
    return { canCreate: answer.can_create, current: Number(answer.current), limit: answer.limit === null ? null : Number(answer.limit), message: answer.message };
  } catch (error) {
    // The function's own refusals (a user check without a company): the caller's input.
    if (pgErrorCode(error) === INVALID_PARAMETER) throw new AppError('VALIDATION', `${row.tenant_code}: ${(error as Error).message}`);
    throw error;
  }
}
