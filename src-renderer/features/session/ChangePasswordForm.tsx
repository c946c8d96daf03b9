import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert, Button, Group, PasswordInput, Stack } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { newPasswordSchema } from '../../../src-shared/contract/operator-channels';
import { errorMessage } from '../../api/api-error';
import { useSessionStore } from '../../store/session-store';

/** The problem with a new password as typed (main's own rule), or null. */
export function newPasswordProblem(next: string, current: string): string | null {
  if (next === '') return null;
  const parsed = newPasswordSchema.safeParse(next);
  if (!parsed.success) return parsed.error.issues[0]?.message ?? 'Not a usable password.';
  if (current !== '' && next === current) return 'Choose a password different from the current one.';
  return null;
}

/**
 * The operator's own password: the current one (proved to PostgreSQL by connecting with it)
 * and a new one typed twice. `knownCurrent` is the one-time password just used to sign in.
 */
export function ChangePasswordForm({ knownCurrent, submitLabel, onDone, extra }: { knownCurrent: string | null; submitLabel: string; onDone?: () => void; extra?: ReactNode }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const currentValue = knownCurrent ?? current;
  const nextProblem = newPasswordProblem(next, currentValue);
  const mismatch = confirm !== '' && confirm !== next ? 'The two new passwords differ.' : null;
  const ready = currentValue !== '' && next !== '' && confirm === next && nextProblem === null && !busy;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      await useSessionStore.getState().changePassword(currentValue, next);
      onDone?.();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate data-testid="change-password-form">
      <Stack gap="md">
        {knownCurrent === null && (
          <PasswordInput
            label="Current password"
            value={current}
            onChange={(event) => setCurrent(event.currentTarget.value)}
            autoComplete="current-password"
            maxLength={200}
            autoFocus
            data-testid="current-password"
          />
        )}
        <PasswordInput
          label="New password"
          description="At least 12 characters; a few words you remember are fine."
          value={next}
          onChange={(event) => setNext(event.currentTarget.value)}
          error={nextProblem}
          autoComplete="new-password"
          maxLength={200}
          autoFocus={knownCurrent !== null}
          data-testid="new-password"
        />
        <PasswordInput
          label="New password again"
          value={confirm}
          onChange={(event) => setConfirm(event.currentTarget.value)}
          error={mismatch}
          autoComplete="new-password"
          maxLength={200}
          data-testid="confirm-password"
        />
        {error && (
          <Alert variant="light" color="red" icon={<IconAlertTriangle size={18} />} data-testid="change-password-error">
            {error}
          </Alert>
        )}
        <Group justify="space-between" mt="xs">
          {extra ?? <span />}
          <Button type="submit" loading={busy} disabled={!ready} data-testid="change-password-submit">
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
