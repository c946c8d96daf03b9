import { useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconKey } from '@tabler/icons-react';
import type { TenantCredentials, TenantDetail } from '../../../../src-shared/contract/models';
import { api } from '../../../api/client';
import { Modal } from '../../../components/Modal';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { useActionBlocks } from '../../../store/action-block';
import { BlockedAction } from '../../offline/BlockedAction';
import { CredentialsTable } from '../create/CredentialsView';

type Step = { readonly kind: 'closed' } | { readonly kind: 'confirm'; readonly saving: boolean } | { readonly kind: 'shown'; readonly credentials: TenantCredentials; readonly sessionsEnded: number };

/**
 * "Reset database password": the answer to a lost one-time password. Asks first (the ERP's
 * stored password stops working and the tenant's sessions end), then shows the new one once;
 * like the create dialog, that step closes only through "I have stored it".
 */
export function ResetPasswordButton({ tenant }: { tenant: TenantDetail }) {
  const [step, setStep] = useState<Step>({ kind: 'closed' });
  const blocked = useActionBlocks()('tenants:rotateCredentials');
  const live = tenant.status === 'active' || tenant.status === 'suspended';

  async function reset() {
    setStep({ kind: 'confirm', saving: true });
    try {
      const result = await api().call('tenants:rotateCredentials', { ref: tenant.tenantCode });
      setStep({ kind: 'shown', credentials: result.credentials, sessionsEnded: result.sessionsEnded });
      notifySuccess('Database password reset', `${tenant.tenantCode}: ${sessionsEndedText(result.sessionsEnded)}`);
    } catch (error) {
      notifyError('Could not reset the database password', error);
      setStep({ kind: 'confirm', saving: false });
    }
  }

  const shown = step.kind === 'shown';
  return (
    <>
      <BlockedAction reason={blocked}>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconKey size={14} />}
          onClick={() => setStep({ kind: 'confirm', saving: false })}
          disabled={blocked !== null || !live}
          data-testid="reset-db-password"
        >
          Reset database password
        </Button>
      </BlockedAction>
      <Modal
        opened={step.kind !== 'closed'}
        onClose={() => !shown && step.kind === 'confirm' && !step.saving && setStep({ kind: 'closed' })}
        closeOnEscape={!shown}
        closeOnClickOutside={!shown}
        withCloseButton={!shown}
        title={<Text fw={650}>{shown ? `New database password for ${tenant.tenantCode}` : `Reset the database password of ${tenant.companyName}?`}</Text>}
        size={shown ? 560 : 480}
        data-testid="reset-db-password-modal"
      >
        {step.kind === 'confirm' && (
          <Stack gap="md">
            <Text size="sm">
              The role <Text span ff="monospace">{tenant.dbRole}</Text> gets a new password. The password the ERP holds stops working and the tenant's open
              sessions end now; update the ERP's stored credentials with the new one.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setStep({ kind: 'closed' })} disabled={step.saving}>
                Keep the current password
              </Button>
              <Button color="orange" onClick={() => void reset()} loading={step.saving} data-testid="reset-db-password-confirm">
                Reset password
              </Button>
            </Group>
          </Stack>
        )}
        {step.kind === 'shown' && (
          <Stack gap="md" data-testid="reset-db-password-result">
            <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="Copy the password now — it is shown only once">
              {sessionsEndedText(step.sessionsEnded)} The console keeps no readable copy of this password.
            </Alert>
            <CredentialsTable credentials={step.credentials} />
            <Group justify="flex-end">
              <Button leftSection={<IconCheck size={16} />} onClick={() => setStep({ kind: 'closed' })} data-testid="reset-db-password-done">
                I have stored it
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}

function sessionsEndedText(ended: number): string {
  if (ended === 0) return 'No session was open.';
  return ended === 1 ? 'One open session was ended.' : `${ended} open sessions were ended.`;
}
