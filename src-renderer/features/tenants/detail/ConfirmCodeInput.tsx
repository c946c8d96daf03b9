import { TextInput } from '@mantine/core';

/** Destructive actions ask for the tenant code, so the operator names the tenant they mean. */
export function codeMatches(typed: string, tenantCode: string): boolean {
  return typed.trim().toUpperCase() === tenantCode.toUpperCase();
}

export function ConfirmCodeInput({
  tenantCode,
  value,
  onChange,
}: {
  tenantCode: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const mismatch = value.trim() !== '' && !codeMatches(value, tenantCode);
  return (
    <TextInput
      label={
        <>
          Type <b>{tenantCode}</b> to confirm
        </>
      }
      placeholder={tenantCode}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={mismatch ? `That is not ${tenantCode}.` : null}
      autoComplete="off"
      spellCheck={false}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      data-testid="confirm-code"
      aria-label={`Type ${tenantCode} to confirm`}
    />
  );
}
