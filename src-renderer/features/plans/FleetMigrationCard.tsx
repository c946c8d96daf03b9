import { Alert, Button, Group, List, Paper, Progress, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconDatabaseCog } from '@tabler/icons-react';
import { formatCount } from '../../lib/format';
import { useActionBlock } from '../../store/action-block';
import { usePlansStore, type MigrateProgress } from '../../store/plans-store';
import { BlockedAction } from '../offline/BlockedAction';

/**
 * The tenant-schema migrations across the fleet: how many databases are behind, a run with
 * progress, the failures per tenant. A rerun resumes: only the tenants still behind are tried.
 */
export function FleetMigrationCard() {
  const blocked = useActionBlock('fleet:migrate');
  const { fleet, fleetError, migrating, lastMigration } = usePlansStore();
  const behind = fleet?.behind ?? 0;

  return (
    <Paper withBorder radius="lg" p="md" data-testid="fleet-migration">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" gap="md">
          <Group gap="sm" wrap="nowrap">
            <IconDatabaseCog size={22} stroke={1.6} color={behind > 0 ? 'var(--mantine-color-orange-6)' : 'var(--mantine-color-teal-6)'} />
            <div>
              <Text size="sm" fw={600}>
                Tenant schema {fleet ? `v${fleet.schemaVersion}` : ''}
              </Text>
              <Text size="xs" c="dimmed" data-testid="fleet-status">
                {fleetError
                  ? `Status unavailable: ${fleetError}`
                  : !fleet
                    ? 'Checking the fleet…'
                    : behind === 0
                      ? `All ${formatCount(fleet.total)} tenant databases are up to date.`
                      : `${formatCount(behind)} of ${formatCount(fleet.total)} tenant databases behind`}
              </Text>
            </div>
          </Group>
          <BlockedAction reason={blocked} testId="fleet-migrate-blocked">
            <Button
              size="sm"
              variant={behind > 0 ? 'filled' : 'default'}
              onClick={() => void usePlansStore.getState().migrate()}
              loading={migrating !== null}
              disabled={blocked !== null || (fleet !== null && behind === 0)}
              data-testid="fleet-migrate"
            >
              {lastMigration && lastMigration.failed.length > 0 ? 'Retry the migrations' : 'Apply tenant-schema migrations'}
            </Button>
          </BlockedAction>
        </Group>
        {migrating && <MigrateProgressBar progress={migrating} />}
        {lastMigration && !migrating && (
          lastMigration.failed.length === 0 ? (
            <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} data-testid="fleet-migrate-result">
              {formatCount(lastMigration.migrated.length)} migrated to v{lastMigration.schemaVersion}; {formatCount(lastMigration.upToDate)} already were.
            </Alert>
          ) : (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={`${lastMigration.failed.length} failed, ${lastMigration.migrated.length} migrated`} data-testid="fleet-migrate-result">
              <Text size="sm" mb={4}>
                The others were not held up. Fix what is named below and run again: only the tenants still behind are retried.
              </Text>
              <List size="sm" spacing={2} data-testid="fleet-migrate-failures">
                {lastMigration.failed.map((failure) => (
                  <List.Item key={failure.tenantCode}>
                    <Text span ff="monospace" size="sm">
                      {failure.tenantCode}
                    </Text>
                    : {failure.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )
        )}
      </Stack>
    </Paper>
  );
}

function MigrateProgressBar({ progress }: { progress: MigrateProgress }) {
  const percent = progress.total > 0 ? Math.max(3, Math.round((progress.done / progress.total) * 100)) : 3;
  return (
    <Stack gap={6} aria-live="polite" data-testid="fleet-migrate-progress">
      <Group justify="space-between">
        <Text size="sm">{progress.message}</Text>
        <Text size="xs" c="dimmed" className="tabular" data-testid="fleet-migrate-count">
          {formatCount(progress.done)} of {formatCount(progress.total)}
          {progress.failed > 0 && `, ${formatCount(progress.failed)} failed`}
        </Text>
      </Group>
      <Progress value={percent} color={progress.failed > 0 ? 'orange' : undefined} size="lg" radius="xl" striped animated aria-label="Tenant-schema migration progress" />
    </Stack>
  );
}
