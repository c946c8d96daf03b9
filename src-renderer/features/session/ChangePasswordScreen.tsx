import { Alert, Button } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import type { OperatorSessionInfo } from '../../../src-shared/contract/operator-channels';
import { notifyError } from '../../lib/notify';
import { useSessionStore } from '../../store/session-store';
import { AuthFrame } from './AuthFrame';
import { ChangePasswordForm } from './ChangePasswordForm';

/**
 * After a sign-in with a one-time password (a new operator, or a reset): main refuses every
 * other call until the operator has chosen their own password.
 */
export function ChangePasswordScreen({ session }: { session: OperatorSessionInfo }) {
  const oneTimePassword = useSessionStore((store) => store.oneTimePassword);
  return (
    <AuthFrame
      title="Choose a new password"
      subtitle={`${session.operator}, you signed in with a one-time password. Choose your own to continue; the one-time password then stops working.`}
      testId="change-password-screen"
    >
      <Alert variant="light" color="brand" icon={<IconKey size={18} />} mb="md">
        PostgreSQL keeps only a SCRAM verifier of it: nobody, admins included, can read it back.
      </Alert>
      <ChangePasswordForm
        knownCurrent={oneTimePassword}
        submitLabel="Set password and continue"
        extra={
          <Button variant="subtle" color="gray" onClick={() => void useSessionStore.getState().signOut().catch((error: unknown) => notifyError('Could not sign out', error))} data-testid="change-password-sign-out">
            Sign out
          </Button>
        }
      />
    </AuthFrame>
  );
}
