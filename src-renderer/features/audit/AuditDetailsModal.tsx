import { Code, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { useAuditStore } from '../../store/audit-store';
import { OutcomeBadge } from './AuditList';
import { formatAuditTime, operatorRoleOf, prettyDetails } from './audit-format';
import { OPERATOR_ROLE_LABELS } from '../../../src-shared/contract/operator-roles';

function Fact({ label, value, mono }: { label: string; value: string; mono?: boolean }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" ff={mono ? 'monospace' : undefined} style={{ wordBreak: 'break-all' }}>
        {value}
      </Text>
    </Stack>
  );
}

function roleLabel(details: string): string {
  const role = operatorRoleOf(details);
  return role ? OPERATOR_ROLE_LABELS[role] : '—';
}

/** One event in full: who, what, the input summary (secrets removed) and its place in the chain. */
export function AuditDetailsModal() {
  const event = useAuditStore((state) => state.selected);
  return (
    <Modal opened={event !== null} onClose={() => useAuditStore.getState().select(null)} title={event ? event.action : ''} size="lg" data-testid="audit-details">
      {event && (
        <Stack gap="md">
          <Group gap="xs">
            <OutcomeBadge outcome={event.outcome} />
            <Text size="sm" c="dimmed">
              {formatAuditTime(event.time)} · {event.durationMs} ms
            </Text>
          </Group>
          <SimpleGrid cols={2} spacing="sm">
            <Fact label="Tenant" value={event.tenant ?? '—'} mono />
            <Fact label="Operator" value={`${event.operator} (OS user ${event.osUser})`} />
            <Fact label="Role" value={roleLabel(event.details)} />
            <Fact label="Console" value={event.consoleId} mono />
            <Fact label="Sequence" value={String(event.seq)} mono />
          </SimpleGrid>
          <Stack gap={4}>
            <Text size="xs" c="dimmed">
              Input summary (secrets removed)
            </Text>
            <Code block data-testid="audit-details-json" style={{ maxHeight: 320, overflow: 'auto' }}>
              {prettyDetails(event.details)}
            </Code>
          </Stack>
          <Fact label="Hash (previous → this)" value={`${event.prevHash.slice(0, 16)}… → ${event.hash.slice(0, 16)}…`} mono />
        </Stack>
      )}
    </Modal>
  );
}
