/**
 * Tenant codes are readable (ACME001): up to four letters from the company name and a
 * sequence number. Never a timestamp: codes are read aloud on support calls.
 */
const TENANT_CODE_FALLBACK_PREFIX = 'TNT';

export function tenantCodePrefix(companyName: string): string {
  const letters = companyName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
  if (letters.length < 2) return TENANT_CODE_FALLBACK_PREFIX;
  return letters.slice(0, 4);
}

export function formatTenantCode(prefix: string, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError('Tenant code sequence starts at 1.');
  return `${prefix}${String(sequence).padStart(3, '0')}`;
}

/**
 * The first code for this company whose sequence number is free. `isTaken` is asked in
 * increasing order; it answers for the registry and for names already used on the server.
 */
export async function firstFreeTenantCode(
  companyName: string,
  isTaken: (code: string) => Promise<boolean> | boolean,
  maxAttempts = 999_999,
): Promise<string> {
  const prefix = tenantCodePrefix(companyName);
  for (let sequence = 1; sequence <= maxAttempts; sequence += 1) {
    const code = formatTenantCode(prefix, sequence);
    if (!(await isTaken(code))) return code;
  }
  throw new Error(`No free tenant code left for prefix ${prefix}.`);
}

/** The database and login role of a tenant follow from its code, so a crash can always find them. */
export function tenantDatabaseName(code: string): string {
  return `tenant_${code.toLowerCase()}`;
}

export function tenantRoleName(code: string): string {
  return `tenant_${code.toLowerCase()}_app`;
}
