import { useEffect, useState } from 'react';
import { Alert, Box, Button, Center, Divider, Group, Loader, Menu, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconChevronDown, IconDownload, IconShieldCheck } from '@tabler/icons-react';
import type { AuditSource } from '../../../src-shared/contract/audit-models';
import { api } from '../../api/client';
import { downloadText } from '../../lib/download';
import { formatCount } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { auditQuery, useAuditStore } from '../../store/audit-store';
import { useConnectivityStore } from '../../store/connectivity-store';
import { AuditDetailsModal } from './AuditDetailsModal';
import { AuditFilters } from './AuditFilters';
import { AuditList } from './AuditList';
import { OutboxStatus } from './OutboxStatus';
import { VerifyResult } from './VerifyResult';

const OUTBOX_REFRESH_MS = 5_000;

/** The audit log: every console's events (platform) online, this console's own (cache) always. */
export function AuditPage() {
  const source = useAuditStore((state) => state.source);
  const verifying = useAuditStore((state) => state.verify.running);

  useEffect(() => {
    const store = useAuditStore.getState();
    // Offline, the fleet log cannot answer: open on this console's own.
    if (useConnectivityStore.getState().status?.online === false && store.source === 'fleet') store.setSource('local');
    else void store.load();
    void store.loadOutbox();
    // Online/offline flips reload the log through the invalidation table.
    const timer = setInterval(() => void useAuditStore.getState().loadOutbox(), OUTBOX_REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  return (
    <Stack gap="lg" maw={1280} mx="auto" data-testid="audit-page">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Box>
          <Title order={2} data-testid="page-title">
            Audit
          </Title>
          <Text c="dimmed" size="sm" mt={4}>
            Every change made through a console, hash-chained so that no event can be edited, removed or slipped in unseen.
          </Text>
        </Box>
        <Group gap="sm">
          <ExportMenu />
          <Button leftSection={<IconShieldCheck size={18} stroke={1.8} />} loading={verifying} onClick={() => void useAuditStore.getState().runVerify()} data-testid="audit-verify">
            Verify chain
          </Button>
        </Group>
      </Group>

      <VerifyResult />

      <Group justify="space-between" wrap="wrap" gap="sm">
        <SegmentedControl
          value={source}
          onChange={(value) => useAuditStore.getState().setSource(value as AuditSource)}
          data={[
            { value: 'fleet', label: 'Fleet (all consoles)' },
            { value: 'local', label: 'This console' },
          ]}
          data-testid="audit-source"
        />
        <OutboxStatus />
      </Group>

      <Paper withBorder shadow="xs" style={{ overflow: 'hidden' }}>
        <AuditFilters />
        <Divider />
        <AuditBody />
      </Paper>
      <AuditDetailsModal />
    </Stack>
  );
}

function AuditBody() {
  const { status, error, rows, total, source } = useAuditStore();
  if (status === 'error') {
    return (
      <Alert m="md" color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="The audit log could not be loaded" data-testid="audit-error">
        <Text size="sm">{error}</Text>
        {source === 'fleet' && (
          <Button mt="sm" size="compact-sm" variant="default" onClick={() => useAuditStore.getState().setSource('local')}>
            Show this console&apos;s log
          </Button>
        )}
      </Alert>
    );
  }
  if (status !== 'ready' && rows.length === 0) {
    return (
      <Center py={64}>
        <Loader size="sm" aria-label="Loading audit events" />
      </Center>
    );
  }
  return (
    <>
      <Group px="md" py={6} justify="space-between">
        <Text size="xs" c="dimmed" data-testid="audit-count">
          {total === null ? `${formatCount(rows.length)} events loaded` : `${formatCount(total)} event${total === 1 ? '' : 's'}`}
        </Text>
        {status === 'loading' && <Loader size="xs" type="dots" />}
      </Group>
      {rows.length === 0 ? (
        <Text ta="center" c="dimmed" py={48} data-testid="audit-empty">
          No event matches these filters.
        </Text>
      ) : (
        <AuditList />
      )}
    </>
  );
}

function ExportMenu() {
  const [busy, setBusy] = useState(false);
  const run = async (format: 'csv' | 'json') => {
    setBusy(true);
    try {
      const { source, filters } = useAuditStore.getState();
      const exported = await api().call('audit:export', { ...auditQuery(source, filters), format });
      downloadText(exported.fileName, exported.content, format === 'csv' ? 'text/csv' : 'application/json');
      notifySuccess('Audit log exported', `${formatCount(exported.rowCount)} events${exported.truncated ? ' (the first ones only: narrow the filters for the rest)' : ''}.`);
    } catch (error) {
      notifyError('Could not export the audit log', error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" leftSection={<IconDownload size={16} />} rightSection={<IconChevronDown size={14} />} loading={busy} data-testid="audit-export">
          Export
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => void run('csv')} data-testid="audit-export-csv">
          CSV (spreadsheet)
        </Menu.Item>
        <Menu.Item onClick={() => void run('json')} data-testid="audit-export-json">
          JSON
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
