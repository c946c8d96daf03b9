import { useState, type FormEvent } from 'react';
import { Alert, Button, Checkbox, Divider, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconClockPause, IconInfoCircle, IconLogin2, IconUserCheck } from '@tabler/icons-react';
import type { SessionState } from '../../../src-shared/contract/operator-channels';
import { operatorNameSchema } from '../../../src-shared/contract/operator-channels';
import { errorMessage } from '../../api/api-error';
import { useSessionStore } from '../../store/session-store';
import { AuthFrame, ServerLine } from './AuthFrame';
import { useCountdown, waitSecondsIn } from './sign-in-wait';

/**
 * Sign in as an operator: PostgreSQL checks the password (main connects as the operator's
 * role). "Remember me" only where the password can be sealed (the desktop app's keychain);
 * "Continue as …" when this installation holds the local operator of the embedded default.
 */
export function SignInScreen({ state }: { state: SessionState }) {
  const endedReason = useSessionStore((store) => store.endedReason);
  const [operator, setOperator] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState<'password' | 'local' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const wait = useCountdown();

  const name = operatorNameSchema.safeParse(operator);
  const nameProblem = operator.trim() !== '' && !name.success ? (name.error.issues[0]?.message ?? 'Not an operator name.') : null;
  const ready = name.success && password !== '' && wait.left === 0 && busy === null;

  async function signIn(local: boolean) {
    setBusy(local ? 'local' : 'password');
    setError(null);
    try {
      await useSessionStore.getState().signIn(
        local ? { operator: state.localOperator ?? '', password: '-', remember: false, local: true } : { operator: name.success ? name.data : operator, password, remember: state.canRemember && remember, local: false },
        local ? null : password,
      );
    } catch (failure) {
      const message = errorMessage(failure);
      setError(message);
      const seconds = waitSecondsIn(message);
      if (seconds) wait.start(seconds);
      // A wrong password is typed again, not edited.
      if (!local) setPassword('');
    } finally {
      setBusy(null);
    }
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) void signIn(false);
  };

  return (
    <AuthFrame title="Sign in" subtitle="Sign in with your operator name and password. PostgreSQL checks them and applies your role." testId="sign-in-screen">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="md">
          {endedReason && (
            <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />} data-testid="sign-in-ended">
              {endedReason}
            </Alert>
          )}
          <ServerLine server={state.server} platformDatabase={state.platformDatabase} />
          <TextInput
            label="Operator"
            placeholder="e.g. alice"
            value={operator}
            onChange={(event) => setOperator(event.currentTarget.value)}
            error={nameProblem}
            autoComplete="username"
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            maxLength={40}
            data-autofocus
            autoFocus
            data-testid="sign-in-operator"
          />
          <PasswordInput
            label="Password"
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            autoComplete="current-password"
            maxLength={200}
            data-testid="sign-in-password"
          />
          {state.canRemember && (
            <Checkbox
              label="Remember me on this computer"
              description="The password is kept sealed by the system keychain."
              checked={remember}
              onChange={(event) => setRemember(event.currentTarget.checked)}
              data-testid="sign-in-remember"
            />
          )}
          {error && (
            <Alert
              variant="light"
              color={wait.left > 0 ? 'orange' : 'red'}
              icon={wait.left > 0 ? <IconClockPause size={18} /> : <IconAlertTriangle size={18} />}
              data-testid="sign-in-error"
            >
              {wait.left > 0 ? `${error.replace(/:?\s*try again in \d+ s\.?/i, '.')} Try again in ${wait.left} s.` : error}
            </Alert>
          )}
          <Button type="submit" fullWidth size="md" leftSection={<IconLogin2 size={18} />} loading={busy === 'password'} disabled={!ready} data-testid="sign-in-submit">
            {wait.left > 0 ? `Try again in ${wait.left} s` : 'Sign in'}
          </Button>
          {state.localOperator && (
            <>
              <Divider label="or" labelPosition="center" />
              <Button
                variant="default"
                fullWidth
                leftSection={<IconUserCheck size={18} />}
                loading={busy === 'local'}
                disabled={busy !== null}
                onClick={() => void signIn(true)}
                data-testid="sign-in-local"
              >
                Continue as {state.localOperator}
              </Button>
              <Text size="xs" c="dimmed" ta="center">
                This computer keeps the password of its local operator.
              </Text>
            </>
          )}
        </Stack>
      </form>
    </AuthFrame>
  );
}
