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

export function formatJson(value: unknown): string {
  return `${JSON.stringify(toSnakeCase(value), null, 2)}\n`;
}

/** A plain text table: columns padded to their widest cell. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].map((text) => `${text}\n`).join('');
}

export type FieldRows = readonly (readonly [string, string | number | null | undefined])[];

export function formatFields(fields: FieldRows): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${value ?? '—'}\n`).join('');
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
  UNAUTHENTICATED: 10,
  INTERNAL: 1,
  CANCELLED: 130,
};

export class CliError extends Error {
  constructor(readonly error: ContractError) {
    super(error.message);
  }
}
