/** What the operator means to do with a write-only secret: keep it, replace it, or remove it. */
export type SecretEdit = { action: 'keep' } | { action: 'replace'; value: string } | { action: 'remove' };

/** The patch value for a secret: absent (keep), the new value, or null (remove). */
export function secretPatch(edit: SecretEdit): string | null | undefined {
  if (edit.action === 'replace') return edit.value;
  if (edit.action === 'remove') return null;
  return undefined;
}
