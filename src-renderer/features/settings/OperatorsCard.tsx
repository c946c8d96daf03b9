import { useState, type FormEvent } from 'react';
import { Button, Code, Group, List, NumberInput, Stack, Text } from '@mantine/core';
import { IconArrowRight } from '@tabler/icons-react';
import type { Settings } from '../../../src-shared/contract/models';
import { api } from '../../api/client';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useActionBlock } from '../../store/action-block';
import { useNavigationStore } from '../../store/navigation-store';
import { useReferenceStore } from '../../store/reference-store';
import { useSessionStore } from '../../store/session-store';
import { BlockedAction } from '../offline/BlockedAction';
import { RoleBadge } from '../operators/RoleBadge';
import { SESSION_IDLE_MINUTES, wholeNumberProblem } from './settings-rules';

/**
 * Operators in a few lines: who is signed in, how a team is added and moves to a shared
 * server (docs/operators.md has the whole story), and the idle time of host-mode sign-ins.
 */
export function OperatorsCard() {
  const session = useSessionStore((store) => store.state?.session ?? null);
  const settings = useReferenceStore((state) => state.settings);
  const operatorsBlocked = useActionBlock('operators:list');

  return (
    <Stack gap="md" data-testid="operators-card">
      {session && (
        <Group gap={8}>
          <Text size="sm">
            Signed in as <b>{session.operator}</b>
          </Text>
          <RoleBadge role={session.role} size="sm" />
          <Text size="xs" c="dimmed" ff="monospace">
            {session.dbRole}
          </Text>
        </Group>
      )}
      <Text size="sm">
        Each operator is a PostgreSQL login role in one group role — <Code>tc_viewer</Code>, <Code>tc_support</Code>, <Code>tc_billing</Code> or <Code>tc_admin</Code> — so
        what a role may not do fails in PostgreSQL too, even through psql.
      </Text>
      <div>
        <Text size="sm" fw={600} mb={4}>
          Working as a team
        </Text>
        <List size="sm" type="ordered" spacing={4}>
          <List.Item>
            Move the platform to a shared PostgreSQL server (<Code>TENANT_CONSOLE_DATABASE_URL</Code>): the embedded one serves this computer only.
          </List.Item>
          <List.Item>Add each person on the Operators page and hand over their one-time password.</List.Item>
          <List.Item>They sign in from their own console, or with tenantctl login.</List.Item>
        </List>
        <Text size="xs" c="dimmed" mt={6}>
          Roles, grants and the move step by step: docs/operators.md.
        </Text>
      </div>
      <Group justify="flex-start">
        <BlockedAction reason={operatorsBlocked} testId="open-operators-blocked">
          <Button variant="light" rightSection={<IconArrowRight size={16} />} disabled={operatorsBlocked !== null} onClick={() => useNavigationStore.getState().go('operators')} data-testid="open-operators">
            Manage operators
          </Button>
        </BlockedAction>
      </Group>
      {settings && <SessionIdleForm key={settings.sessionIdleMinutes} saved={settings} />}
    </Stack>
  );
}

/** Host mode: how long a browser's own sign-in lasts without a call (setting session_idle_minutes). */
function SessionIdleForm({ saved }: { saved: Settings }) {
  const blocked = useActionBlock('settings:update');
  const [minutes, setMinutes] = useState<number | string>(saved.sessionIdleMinutes);
  const [saving, setSaving] = useState(false);
  const problem = wholeNumberProblem(minutes, SESSION_IDLE_MINUTES.min, SESSION_IDLE_MINUTES.max, 'a number of minutes');
  const changed = minutes !== saved.sessionIdleMinutes;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!changed || problem !== null || saving || typeof minutes !== 'number') return;
    setSaving(true);
    try {
      const updated = await api().call('settings:update', { sessionIdleMinutes: minutes });
      notifySuccess('Idle time saved', `Browser sign-ins end after ${updated.sessionIdleMinutes} minutes without use.`);
      useReferenceStore.getState().setSettings(updated);
    } catch (error) {
      notifyError('The idle time was not saved', error);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={(event) => void save(event)} noValidate data-testid="session-idle-form">
      <Group gap="sm" align="flex-end" wrap="nowrap">
        <NumberInput
          label="Sign-in idle time (host mode)"
          description="A browser’s sign-in ends after this long without use."
          min={SESSION_IDLE_MINUTES.min}
          max={SESSION_IDLE_MINUTES.max}
          clampBehavior="none"
          allowDecimal={false}
          allowNegative={false}
          value={minutes}
          onChange={setMinutes}
          error={problem}
          rightSection={
            <Text size="sm" c="dimmed" pr="md">
              min
            </Text>
          }
          rightSectionWidth={56}
          rightSectionPointerEvents="none"
          hideControls
          style={{ flex: 1, maxWidth: 320 }}
          data-testid="settings-session-idle"
        />
        <BlockedAction reason={blocked} testId="session-idle-save-blocked">
          <Button type="submit" variant="default" disabled={!changed || problem !== null || blocked !== null} loading={saving} data-testid="session-idle-save">
            Save
          </Button>
        </BlockedAction>
      </Group>
    </form>
  );
}
