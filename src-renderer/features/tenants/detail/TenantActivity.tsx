import { ActionIcon, Alert, Badge, Button, Code, Group, Skeleton, Stack, Text, Timeline, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import type { TenantOperation } from '../../../../src-shared/contract/models';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { ACTIVITY_LIMIT, useTenantActivityStore } from '../../../store/tenant-activity-store';
import { operationLook, STATE_COLORS, STATE_LABELS } from './activity-labels';
import { DetailSection } from './DetailSection';
import classes from './TenantActivity.module.css';

/** The tenant's operations journal, newest first: what was done to it, by whom, how it ended. */
export function TenantActivity({ tenantCode }: { tenantCode: string }) {
  const shownCode = useTenantActivityStore((state) => state.tenantCode);
  const entries = useTenantActivityStore((state) => state.entries);
  const status = useTenantActivityStore((state) => state.status);
  const error = useTenantActivityStore((state) => state.error);
  const { load, refresh } = useTenantActivityStore.getState();
  const mine = shownCode === tenantCode ? entries : null;

  return (
    <DetailSection
      title="Activity"
      testId="tenant-activity"
      aside={
        <Tooltip label="Reload activity">
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            aria-label="Reload activity"
            loading={status === 'loading' && mine !== null}
            onClick={() => (shownCode === tenantCode ? refresh() : load(tenantCode))}
          >
            <IconRefresh size={14} />
          </ActionIcon>
        </Tooltip>
      }
    >
      {status === 'error' && (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertTriangle size={18} />}
          title="The activity could not be loaded"
          mb={mine && mine.length > 0 ? 'md' : 0}
          data-testid="activity-load-error"
        >
          <Text size="sm" mb="xs">
            {error}
          </Text>
          <Button size="xs" variant="default" onClick={() => load(tenantCode)}>
            Try again
          </Button>
        </Alert>
      )}
      {mine === null ? (
        status !== 'error' && <ActivitySkeleton />
      ) : mine.length === 0 ? (
        status !== 'error' && (
          <Text size="sm" c="dimmed" data-testid="activity-empty">
            Nothing has been done to this tenant through the console yet.
          </Text>
        )
      ) : (
        <>
          <Timeline active={mine.length - 1} bulletSize={24} lineWidth={2} classNames={{ item: classes.item, itemTitle: classes.title }} data-testid="activity-timeline">
            {mine.map(activityItem)}
          </Timeline>
          {mine.length >= ACTIVITY_LIMIT && (
            <Text size="xs" c="dimmed" mt="md">
              The latest {ACTIVITY_LIMIT} operations are shown; <Code>tenantctl history {tenantCode} --limit 200</Code> lists more.
            </Text>
          )}
        </>
      )}
    </DetailSection>
  );
}

// Timeline.Item must be the Timeline's direct child: the Timeline hands each its active state.
function activityItem(operation: TenantOperation) {
  const look = operationLook(operation);
  return (
    <Timeline.Item
      key={operation.id}
      bullet={<look.icon size={13} stroke={2.2} />}
      color={look.color}
      title={<EntryTitle operation={operation} title={look.title} />}
      data-testid="activity-entry"
      data-kind={operation.kind}
      data-state={operation.state}
    >
      <EntryBody operation={operation} />
    </Timeline.Item>
  );
}

function EntryTitle({ operation, title }: { operation: TenantOperation; title: string }) {
  return (
    <Group gap={8} wrap="nowrap" align="flex-start" justify="space-between">
      <Text size="sm" fw={600} lh={1.35} style={{ wordBreak: 'break-word' }} data-testid="activity-title">
        {title}
      </Text>
      {operation.state !== 'done' && (
        <Badge size="sm" variant="light" color={STATE_COLORS[operation.state]} style={{ flexShrink: 0 }} data-testid="activity-state">
          {STATE_LABELS[operation.state]}
        </Badge>
      )}
    </Group>
  );
}

function EntryBody({ operation }: { operation: TenantOperation }) {
  const unfinished = operation.state !== 'done';
  return (
    <>
      <Text size="xs" c="dimmed" className="tabular" data-testid="activity-meta">
        by{' '}
        <Text span inherit fw={600} data-testid="activity-by">
          {operation.startedBy}
        </Text>{' '}
        · {formatRelative(operation.startedAt)} · {formatDateTime(operation.startedAt)}
      </Text>
      {unfinished && operation.error && (
        <Text size="xs" c="red" mt={4} style={{ wordBreak: 'break-word' }} data-testid="activity-entry-error">
          {operation.error}
        </Text>
      )}
      {unfinished && (
        <Text size="xs" c="dimmed" mt={2}>
          {operation.state === 'running' ? 'At' : 'Stopped at'} step{' '}
          <Text span inherit ff="monospace">
            {operation.step}
          </Text>
        </Text>
      )}
    </>
  );
}

function ActivitySkeleton() {
  return (
    <Stack gap="md" data-testid="activity-loading">
      {[0, 1, 2].map((index) => (
        <Group key={index} gap="sm" wrap="nowrap" align="flex-start">
          <Skeleton h={24} w={24} circle />
          <Stack gap={6} style={{ flex: 1 }}>
            <Skeleton h={12} w="55%" />
            <Skeleton h={9} w="40%" />
          </Stack>
        </Group>
      ))}
    </Stack>
  );
}
