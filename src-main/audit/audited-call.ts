import type { AuditEntry } from './audit-log';

/** What dispatch needs from the audit log. */
export interface CallAuditor {
  /** Why nothing can be audited now (changes are then refused), or null. */
  readonly problem: string | null;
  record(entry: AuditEntry): Promise<unknown>;
}

const TENANT_CODE = /^[A-Za-z]{2,4}[0-9]{3,6}$/;

function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * The tenant a call concerns: the code in its result when there is one (a create names
 * the new tenant), else the reference in its input (a code, or a subdomain as typed).
 */
export function tenantOfCall(input: unknown, output: unknown): string | null {
  for (const candidate of [pick(output, 'tenantCode'), pick(output, 'tenant', 'tenantCode')]) {
    if (typeof candidate === 'string') return candidate;
  }
  for (const candidate of [pick(input, 'ref'), pick(input, 'tenantCode'), pick(input, 'tenant')]) {
    if (typeof candidate === 'string' && candidate.trim() !== '') {
      const ref = candidate.trim().slice(0, 64);
      return TENANT_CODE.test(ref) ? ref.toUpperCase() : ref;
    }
  }
  return null;
}
