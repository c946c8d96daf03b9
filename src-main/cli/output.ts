import type { ContractError } from '../../src-shared/contract/errors';

/** CLI JSON speaks snake_case, like the registry (tenant_code, database_name, db_role). */
export function toSnakeCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnakeCase);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), toSnakeCase(inner)]),
    );
  }
  return value;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(toSnakeCase(value), null, 2)}\n`);
}

/** A plain text table: columns padded to their widest cell. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  process.stdout.write(`${line(headers)}\n${line(widths.map((width) => '-'.repeat(width)))}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

export function printFields(fields: readonly (readonly [string, string | number | null | undefined])[]): void {
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) process.stdout.write(`${label.padEnd(width)}  ${value ?? '—'}\n`);
}

/** Exit codes by error kind, so scripts can branch without parsing text. */
export const EXIT_CODES: Readonly<Record<ContractError['code'], number>> = {
  VALIDATION: 2,
  NOT_FOUND: 3,
  CONFLICT: 4,
  ALREADY_EXISTS: 5,
  INVALID_STATE: 6,
  DATABASE_UNAVAILABLE: 7,
  UNKNOWN_CHANNEL: 2,
  FORBIDDEN: 8,
  INTERNAL: 1,
  CANCELLED: 130,
};

export class CliError extends Error {
  constructor(readonly error: ContractError) {
    super(error.message);
  }
}
