import type pg from 'pg';

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface InvoiceNumber {
  readonly series: string;
  readonly sequenceNumber: number;
  /** `<series>-<6 digits>`: INV-000042 (wider when the series passes 999,999). */
  readonly number: string;
}

export function formatInvoiceNumber(series: string, sequenceNumber: number): string {
  return `${series}-${String(sequenceNumber).padStart(6, '0')}`;
}

/**
 * Takes the series' next number inside the caller's transaction. The sequence row stays
 * locked (FOR UPDATE) until that transaction ends, so concurrent finalizers queue here, and
 * a rollback gives the number back: numbers are gapless and never handed out twice.
 * Call it as late as possible in the transaction (the lock serializes every finalization).
 */
export async function takeInvoiceNumber(client: Queryable, series: string): Promise<InvoiceNumber> {
  await client.query('INSERT INTO invoice_sequences (series) VALUES ($1) ON CONFLICT (series) DO NOTHING', [series]);
  const { rows } = await client.query<{ next_number: number }>('SELECT next_number FROM invoice_sequences WHERE series = $1 FOR UPDATE', [series]);
  const sequenceNumber = Number(rows[0]!.next_number);
  await client.query('UPDATE invoice_sequences SET next_number = next_number + 1 WHERE series = $1', [series]);
  return { series, sequenceNumber, number: formatInvoiceNumber(series, sequenceNumber) };
}
