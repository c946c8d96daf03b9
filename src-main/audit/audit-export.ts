import { stringify } from 'csv-stringify/sync';
import type { AuditExport } from '../../src-shared/contract/audit-models';
import { neutralizingCast } from '../base/csv-cell';
import type { StoredAuditEvent } from './audit-event';

const CSV_COLUMNS: readonly (keyof StoredAuditEvent)[] = [
  'time', 'seq', 'id', 'consoleId', 'operator', 'osUser', 'action', 'tenant', 'outcome', 'durationMs', 'details', 'prevHash', 'hash',
];

/** Collects up to maxRows events (newest first) into a CSV or JSON document. */
export async function exportEvents(
  rows: AsyncIterable<StoredAuditEvent> | Iterable<StoredAuditEvent>,
  format: 'csv' | 'json',
  maxRows: number,
  label: string,
): Promise<AuditExport> {
  const collected: StoredAuditEvent[] = [];
  let truncated = false;
  for await (const row of rows) {
    if (collected.length === maxRows) {
      truncated = true;
      break;
    }
    collected.push(row);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const content =
    format === 'csv'
      ? stringify(collected.map((row) => CSV_COLUMNS.map((column) => row[column])), { header: true, columns: CSV_COLUMNS as string[], cast: neutralizingCast })
      : `${JSON.stringify(collected, null, 1)}\n`;
  return { format, fileName: `audit-${label}-${stamp}.${format}`, content, rowCount: collected.length, truncated };
}
