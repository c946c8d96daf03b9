import { useState } from 'react';
import { Button, Group, Stack, Text } from '@mantine/core';
import { Modal } from '../../components/Modal';
import type { Operator } from '../../../src-shared/contract/operator-channels';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useOperatorsStore } from '../../store/operators-store';

export type OperatorAction = 'disable' | 'reset';

const TITLES: Readonly<Record<OperatorAction, string>> = { disable: 'Disable operator', reset: 'Reset password' };

/** Confirms the two changes that cut an operator off: disabling, and a password reset. */
export function OperatorActionModal({ action, operator, onClose }: { action: OperatorAction | null; operator: Operator | null; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const opened = action !== null && operator !== null;

  async function confirm() {
    if (!action || !operator) return;
    setBusy(true);
    try {
      if (action === 'disable') {
        await useOperatorsStore.getState().setEnabled(operator.name, false);
        notifySuccess('Operator disabled', `${operator.name} can no longer sign in; open sessions were ended.`);
      } else {
        // The new one-time password then shows in its own dialog.
        await useOperatorsStore.getState().resetPassword(operator.name);
      }
      onClose();
    } catch (error) {
      notifyError(action === 'disable' ? `${operator.name} was not disabled` : `${operator.name}'s password was not reset`, error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650} size="lg">{action ? TITLES[action] : ''}</Text>} size={460} data-testid="operator-action-modal">
      {opened && (
        <Stack gap="md">
          {action === 'disable' ? (
            <Text size="sm">
              PostgreSQL will refuse <b>{operator.name}</b>’s sign-in (the role becomes NOLOGIN) and their open sessions end now. You can enable them again later; their
              password stays as it is.
            </Text>
          ) : (
            <Text size="sm">
              A new one-time password is generated for <b>{operator.name}</b>. Their current password and open sessions stop working now, and they choose a new password
              at the next sign-in.
            </Text>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Keep as is
            </Button>
            <Button color={action === 'disable' ? 'red' : undefined} loading={busy} onClick={() => void confirm()} data-testid="operator-action-confirm">
              {action === 'disable' ? 'Disable operator' : 'Reset password'}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
