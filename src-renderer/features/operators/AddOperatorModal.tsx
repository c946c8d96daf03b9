import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, Radio, Stack, Text, TextInput } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconAlertTriangle } from '@tabler/icons-react';
import { operatorNameSchema } from '../../../src-shared/contract/operator-channels';
import { OPERATOR_ROLES, type OperatorRole } from '../../../src-shared/contract/operator-roles';
import { errorMessage } from '../../api/api-error';
import { useOperatorsStore } from '../../store/operators-store';
import { ROLE_DESCRIPTIONS, RoleBadge } from './RoleBadge';

/** Add an operator: a name and a role; main creates the PostgreSQL login role and a one-time password. */
export function AddOperatorModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650} size="lg">Add an operator</Text>} size={520} data-testid="add-operator-modal">
      {opened && <AddOperatorForm onClose={onClose} />}
    </Modal>
  );
}

function AddOperatorForm({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<OperatorRole>('support');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const parsed = operatorNameSchema.safeParse(name);
  const nameProblem = name.trim() !== '' && !parsed.success ? (parsed.error.issues[0]?.message ?? 'Not an operator name.') : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!parsed.success || busy) return;
    setBusy(true);
    setError(null);
    try {
      await useOperatorsStore.getState().add(parsed.data, role);
      onClose();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          description="Lower-case letters, digits and underscores; it becomes part of the PostgreSQL role name (tc_op_…)."
          placeholder="alice"
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={nameProblem}
          maxLength={40}
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
          data-autofocus
          data-testid="add-operator-name"
        />
        <Radio.Group label="Role" value={role} onChange={(value) => setRole(value as OperatorRole)}>
          <Stack gap={8} mt={6}>
            {OPERATOR_ROLES.map((option) => (
              <Radio.Card key={option} value={option} radius="md" p="sm" data-testid={`add-operator-role-${option}`}>
                <Group wrap="nowrap" align="flex-start" gap="sm">
                  <Radio.Indicator mt={2} />
                  <div>
                    <RoleBadge role={option} size="sm" />
                    <Text size="xs" c="dimmed" mt={4}>
                      {ROLE_DESCRIPTIONS[option]}
                    </Text>
                  </div>
                </Group>
              </Radio.Card>
            ))}
          </Stack>
        </Radio.Group>
        {error && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="add-operator-error">
            {error}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} disabled={!parsed.success} data-testid="add-operator-submit">
            Add operator
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
