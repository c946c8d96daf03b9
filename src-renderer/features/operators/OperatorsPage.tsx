import { useEffect, useState } from 'react';
import { Alert, Box, Button, EmptyState, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconLock, IconUserPlus, IconUsersGroup } from '@tabler/icons-react';
import type { Operator } from '../../../src-shared/contract/operator-channels';
import { mayCall, roleCannotMessage } from '../../../src-shared/contract/operator-roles';
import { useActionBlock } from '../../store/action-block';
import { useOperatorsStore } from '../../store/operators-store';
import { useSessionRole, useSessionStore } from '../../store/session-store';
import { BlockedAction } from '../offline/BlockedAction';
import { AddOperatorModal } from './AddOperatorModal';
import { ApiKeysSection } from './ApiKeysSection';
import { OneTimePasswordModal } from './OneTimePasswordModal';
import { OperatorActionModal, type OperatorAction } from './OperatorActionModal';
import { OperatorsTable } from './OperatorsTable';

/** Admins manage who may sign in: add (with a one-time password), change role, disable, reset a password. */
export function OperatorsPage() {
  const role = useSessionRole();
  const allowed = role === null || mayCall(role, 'operators:list');
  const addBlocked = useActionBlock('operators:add');
  const [adding, setAdding] = useState(false);
  const [pending, setPending] = useState<{ action: OperatorAction; operator: Operator } | null>(null);

  useEffect(() => {
    if (allowed) void useOperatorsStore.getState().load();
  }, [allowed]);

  return (
    <Stack gap="lg" maw={1280} mx="auto" data-testid="operators-page">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Box>
          <Title order={2} data-testid="page-title">
            Operators
          </Title>
          <Text c="dimmed" size="sm" mt={4} maw={720}>
            Everyone who signs in to this platform. Each operator is a PostgreSQL login role in one console role, so PostgreSQL itself enforces what they may do.
          </Text>
        </Box>
        <BlockedAction reason={addBlocked} testId="add-operator-blocked">
          <Button leftSection={<IconUserPlus size={18} stroke={1.8} />} onClick={() => setAdding(true)} disabled={addBlocked !== null} data-testid="add-operator">
            Add operator
          </Button>
        </BlockedAction>
      </Group>

      <Paper withBorder shadow="xs" style={{ overflow: 'hidden' }}>
        {allowed ? (
          <OperatorsBody onAction={(action, operator) => setPending({ action, operator })} onAdd={() => setAdding(true)} />
        ) : (
          <EmptyState py={64} variant="light" icon={<IconLock size={28} />} title="Admins only" description={`${roleCannotMessage(role, 'operators:list')}.`} data-testid="operators-forbidden" />
        )}
      </Paper>

      <ApiKeysSection />

      <AddOperatorModal opened={adding} onClose={() => setAdding(false)} />
      <OperatorActionModal action={pending?.action ?? null} operator={pending?.operator ?? null} onClose={() => setPending(null)} />
      <OneTimePasswordModal />
    </Stack>
  );
}

function OperatorsBody({ onAction, onAdd }: { onAction: (action: OperatorAction, operator: Operator) => void; onAdd: () => void }) {
  const { rows, status, error } = useOperatorsStore();
  const me = useSessionStore((store) => store.state?.session?.operator ?? null);

  if (status === 'error' && rows.length === 0) {
    return (
      <EmptyState py={64} variant="light" color="red" icon={<IconAlertTriangle size={28} />} title="Operators could not be loaded" description={error} data-testid="operators-error">
        <EmptyState.Actions>
          <Button variant="default" onClick={() => void useOperatorsStore.getState().load()}>
            Try again
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }
  if (status !== 'ready' && rows.length === 0) {
    return (
      <Stack gap="sm" p="md" data-testid="operators-loading">
        {[0, 1, 2].map((index) => (
          <Skeleton key={index} h={44} />
        ))}
      </Stack>
    );
  }
  if (rows.length === 0) {
    return (
      <EmptyState py={64} variant="light" icon={<IconUsersGroup size={28} />} title="No operators yet" description="Add the first operator; they sign in with a one-time password." data-testid="operators-empty">
        <EmptyState.Actions>
          <Button leftSection={<IconUserPlus size={16} />} onClick={onAdd}>
            Add operator
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }
  return (
    <>
      {status === 'error' && (
        <Alert color="red" variant="light" radius={0} icon={<IconAlertTriangle size={18} />} data-testid="operators-error">
          {error}{' '}
          <Button variant="subtle" size="compact-sm" onClick={() => void useOperatorsStore.getState().load()}>
            Try again
          </Button>
        </Alert>
      )}
      <OperatorsTable rows={rows} me={me} onAction={onAction} />
    </>
  );
}
