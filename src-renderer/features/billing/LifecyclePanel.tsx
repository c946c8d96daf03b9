import { useState } from 'react';
import { Alert, Badge, Button, Divider, Group, List, ScrollArea, SimpleGrid, Stack, Text } from '@mantine/core';
import { Modal } from '../../components/Modal';
import { IconAlertTriangle, IconBrandStripe, IconPlayerPlay, IconRefresh } from '@tabler/icons-react';
import type { BillingOverview, JobRunReport, JobRunSummary, StripeSyncReport } from '../../../src-shared/contract/billing-models';
import { api } from '../../api/client';
import { formatCount, formatDateTime, formatRelative } from '../../lib/format';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useActionBlocks } from '../../store/action-block';
import { invalidate } from '../../store/invalidation';
import { BlockedAction } from '../offline/BlockedAction';

const TRIGGER_LABELS: Readonly<Record<JobRunSummary['trigger'], string>> = {
  schedule: 'scheduled',
  cli: 'tenantctl',
  operator: 'by an operator',
  test: 'test',
};

const OUTCOME_COLORS = { ok: 'teal', partial: 'yellow', failed: 'red', locked: 'gray' } as const;
const OUTCOME_LABELS = { ok: 'OK', partial: 'Partly done', failed: 'Failed', locked: 'Another runner held the lock' } as const;
const REPORT_TITLES = { ok: 'Billing jobs done', partial: 'Billing jobs partly done', failed: 'Billing jobs failed', locked: 'Billing jobs already running elsewhere' } as const;

/** The lifecycle job: its last run, a run now (with what it did), and in Stripe mode the event sync. */
export function LifecyclePanel({ overview }: { overview: BillingOverview }) {
  const onRan = () => invalidate({ event: 'billing:jobsRan' });
  const blockOf = useActionBlocks();
  const runBlocked = blockOf('billing:runJobs');
  const syncBlocked = blockOf('billing:syncStripe');
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<JobRunReport | null>(null);
  const [syncing, setSyncing] = useState(false);
  const [syncReport, setSyncReport] = useState<StripeSyncReport | null>(null);

  async function run() {
    setRunning(true);
    try {
      setReport(await api().call('billing:runJobs', {}));
      onRan();
    } catch (failure) {
      notifyError('The billing jobs could not run', failure);
    } finally {
      setRunning(false);
    }
  }

  async function sync() {
    setSyncing(true);
    try {
      const result = await api().call('billing:syncStripe', {});
      setSyncReport(result);
      notifySuccess('Synced with Stripe', `${result.eventsApplied} events applied, ${result.eventsSkipped} already known.`);
      onRan();
    } catch (failure) {
      notifyError('Could not sync with Stripe', failure);
    } finally {
      setSyncing(false);
    }
  }

  const lastRun = overview.lastRun;
  return (
    <Stack gap="sm" data-testid="lifecycle-panel">
      {lastRun ? (
        <Stack gap={6} data-testid="last-billing-run" data-outcome={lastRun.outcome ?? 'running'}>
          <Group gap="xs">
            <Badge variant="light" color={lastRun.outcome ? OUTCOME_COLORS[lastRun.outcome] : 'blue'} tt="none">
              {lastRun.outcome ? OUTCOME_LABELS[lastRun.outcome] : 'Running'}
            </Badge>
            <Text size="sm" title={formatDateTime(lastRun.finishedAt ?? lastRun.startedAt)}>
              {formatRelative(lastRun.finishedAt ?? lastRun.startedAt)}
            </Text>
          </Group>
          <Text size="xs" c="dimmed">
            {TRIGGER_LABELS[lastRun.trigger]} · {lastRun.runner} · clock at {formatDateTime(lastRun.clockAt)}
          </Text>
          <SimpleGrid cols={2} spacing="xs">
            <Figure label="Actions" value={lastRun.actionCount} testId="last-run-actions" />
            <Figure label="Errors" value={lastRun.errorCount} color={lastRun.errorCount > 0 ? 'red' : undefined} testId="last-run-errors" />
          </SimpleGrid>
        </Stack>
      ) : (
        <Text size="sm" c="dimmed" data-testid="last-billing-run-none">
          The lifecycle job has not run yet. It converts ended trials, starts grace periods, suspends and reactivates, and sends the notices.
        </Text>
      )}
      <BlockedAction reason={runBlocked} testId="run-billing-jobs-blocked">
        <Button leftSection={<IconPlayerPlay size={16} />} variant="light" onClick={() => void run()} loading={running} disabled={runBlocked !== null} data-testid="run-billing-jobs">
          Run billing jobs now
        </Button>
      </BlockedAction>

      {overview.mode === 'stripe' && overview.stripeSync && (
        <>
          <Divider my={4} />
          <Group gap="xs">
            <IconBrandStripe size={18} />
            <Text size="sm" fw={600}>
              Stripe sync
            </Text>
          </Group>
          <Text size="xs" c="dimmed" data-testid="stripe-sync-status">
            {overview.stripeSync.lastSyncedAt ? `Last synced ${formatRelative(overview.stripeSync.lastSyncedAt)}` : 'Never synced'}
            {overview.stripeSync.lastEventId ? ` · cursor ${overview.stripeSync.lastEventId}` : ''}
          </Text>
          {overview.stripeSync.lastError && (
            <Alert color="red" variant="light" p="xs" icon={<IconAlertTriangle size={16} />}>
              <Text size="sm">{overview.stripeSync.lastError}</Text>
            </Alert>
          )}
          {syncReport && (
            <Text size="xs" data-testid="stripe-sync-report">
              {syncReport.eventsSeen} events seen, {syncReport.eventsApplied} applied, {syncReport.eventsSkipped} skipped; {syncReport.tenantsUpdated.length} tenants updated.
            </Text>
          )}
          <BlockedAction reason={syncBlocked}>
            <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={() => void sync()} loading={syncing} disabled={syncBlocked !== null} data-testid="sync-stripe">
              Sync with Stripe now
            </Button>
          </BlockedAction>
        </>
      )}
      {report && <RunReportModal report={report} onClose={() => setReport(null)} />}
    </Stack>
  );
}

function Figure({ label, value, color, testId }: { label: string; value: number; color?: string; testId: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg" c={color} className="tabular" data-testid={testId}>
        {formatCount(value)}
      </Text>
    </div>
  );
}

const ACTIONS_SHOWN = 200;

function RunReportModal({ report, onClose }: { report: JobRunReport; onClose: () => void }) {
  const counts = Object.entries(report.counts).filter(([, value]) => value > 0);
  return (
    <Modal opened onClose={onClose} size="lg" title={<Text fw={650}>{REPORT_TITLES[report.outcome]}</Text>} data-testid="run-report">
      <Stack gap="md">
        <Group gap="xs">
          <Badge variant="light" color={OUTCOME_COLORS[report.outcome]} tt="none" data-testid="run-report-outcome" data-outcome={report.outcome}>
            {OUTCOME_LABELS[report.outcome]}
          </Badge>
          <Text size="sm" c="dimmed">
            {(report.durationMs / 1000).toFixed(1)} s · clock at {formatDateTime(report.clockAt)}
          </Text>
        </Group>
        {!report.ran ? (
          <Text size="sm">Another console or tenantctl was running the jobs at that moment; this run did nothing, so nothing was done twice.</Text>
        ) : report.actions.length === 0 && report.errors.length === 0 ? (
          <Text size="sm" data-testid="run-report-nothing">
            Nothing to do: no trial ended, no grace period ran out, no invoice was due and no notice was waiting.
          </Text>
        ) : null}
        {counts.length > 0 && (
          <Group gap={6}>
            {counts.map(([kind, value]) => (
              <Badge key={kind} variant="outline" color="gray" tt="none">
                {kind.replaceAll('_', ' ')}: {value}
              </Badge>
            ))}
          </Group>
        )}
        {report.errors.length > 0 && (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={`${report.errors.length} ${report.errors.length === 1 ? 'error' : 'errors'}`} data-testid="run-report-errors">
            <List size="sm">
              {report.errors.map((error, index) => (
                <List.Item key={index}>
                  {error.step}
                  {error.tenantCode ? ` (${error.tenantCode})` : ''}: {error.message}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {report.actions.length > 0 && (
          <ScrollArea.Autosize mah={320}>
            <List size="sm" spacing={4} data-testid="run-report-actions">
              {report.actions.slice(0, ACTIONS_SHOWN).map((action, index) => (
                <List.Item key={index}>
                  <Text span size="sm" fw={600}>
                    {action.kind.replaceAll('_', ' ')}
                  </Text>
                  {action.tenantCode && (
                    <Text span size="sm" ff="monospace">
                      {' '}
                      {action.tenantCode}
                    </Text>
                  )}
                  <Text span size="sm" c="dimmed">
                    {' '}
                    — {action.detail}
                  </Text>
                </List.Item>
              ))}
            </List>
            {report.actions.length > ACTIONS_SHOWN && (
              <Text size="xs" c="dimmed" mt="xs">
                and {report.actions.length - ACTIONS_SHOWN} more (the audit log has them all)
              </Text>
            )}
          </ScrollArea.Autosize>
        )}
        <Group justify="flex-end">
          <Button onClick={onClose} data-testid="run-report-close">
            Done
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
