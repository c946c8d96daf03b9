import type { UsageSnapshotRow } from '../../src-shared/contract/offline-models';
import type { CollectedUsage } from '../usage/usage-store';

/**
 * The collector's rows as the offline snapshot keeps them: one flat set of numbers per tenant
 * and day (a row whose figures could not be read keeps whatever is known, e.g. the size).
 */
export function usageSnapshotRows(rows: readonly CollectedUsage[]): UsageSnapshotRow[] {
  return rows.map((row) => {
    const metrics: Record<string, number> = {};
    if (row.figures) {
      metrics.companies = row.figures.companies;
      metrics.usersTotal = row.figures.usersTotal;
      metrics.usersLargestCompany = row.figures.largestCompany?.users ?? 0;
      metrics.transactionsMonth = row.figures.transactionsMonth;
    }
    if (row.transactionsDelta !== null) metrics.transactionsDelta = row.transactionsDelta;
    if (row.stats) {
      metrics.databaseBytes = row.stats.databaseBytes;
      metrics.commits = row.stats.commits;
      metrics.connections = row.stats.connections;
    }
    metrics.carriedOver = row.carriedOver ? 1 : 0;
    return { tenantCode: row.tenantCode, day: row.usageDate, metrics };
  });
}
