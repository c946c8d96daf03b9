import { LoadErrorAlert } from '../../components/LoadErrorAlert';
import { useEffect, type ReactNode } from 'react';
import { Box, Grid, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useReferenceStore } from '../../store/reference-store';
import { AppInfoCard } from './AppInfoCard';
import { BackupSettingsCard } from './BackupSettingsCard';
import { ServerCheckCard } from './ServerCheckCard';
import { ServerConnectionsCard } from './ServerConnectionsCard';
import { SettingsForm } from './SettingsForm';
import { SignupSettingsCard } from './SignupSettingsCard';
import { SnapshotCard } from '../offline/SnapshotCard';
import { OperatorsCard } from './OperatorsCard';
import { TenantApiCard } from './TenantApiCard';

export function SettingsPage() {
  const settings = useReferenceStore((state) => state.settings);
  const error = useReferenceStore((state) => state.error);

  useEffect(() => {
    // Another console may have changed them since start-up: show what main has now.
    void useReferenceStore.getState().load();
  }, []);

  return (
    <Stack gap="lg" maw={1280} mx="auto" data-testid="settings-page">
      <Box>
        <Title order={2} data-testid="page-title">
          Settings
        </Title>
        <Text c="dimmed" size="sm" mt={4}>
          Platform-wide choices that apply to every tenant, and the facts of this console.
        </Text>
      </Box>

      <Grid gap="lg" align="flex-start">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Card title="Tenant addresses and retention" description="Saved in the platform database; every console sees them.">
            {settings ? (
              <SettingsForm key={`${settings.baseDomain}|${settings.cancellationRetentionDays}`} saved={settings} />
            ) : error ? (
              <LoadErrorAlert
                title="Settings could not be loaded"
                message={error}
                onRetry={() => void useReferenceStore.getState().load()}
                data-testid="settings-error"
              />
            ) : (
              <Stack gap="lg" data-testid="settings-loading">
                <Skeleton h={58} />
                <Skeleton h={58} w={260} />
              </Stack>
            )}
          </Card>
          <Box mt="lg">
            <Card title="Backups" description="Where backups and exports are written, retention, and the fleet jobs.">
              <BackupSettingsCard />
            </Card>
          </Box>
          <Box mt="lg">
            <Card title="Self-service sign-up" description="How often an address may ask, how long an invitation works, when a trial counts as stalled.">
              <SignupSettingsCard />
            </Card>
          </Box>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="lg">
            <Card title="Operators and sign-in" description="Who may do what is PostgreSQL's decision: one login role per person.">
              <OperatorsCard />
            </Card>
            <Card title="Tenant API" description="The HTTP API for the sign-up website and the ERP (docs/api.md).">
              <TenantApiCard />
            </Card>
            <Card title="About this console" description="Read-only; set when the console starts.">
              <AppInfoCard />
            </Card>
            <Card title="Database connections" description="Sessions per server, the slots kept for the console, and the busiest tenants.">
              <ServerConnectionsCard />
            </Card>
            <Card title="Offline snapshot" description="Tenants (and usage) as last seen, for review on another machine.">
              <SnapshotCard />
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
      <Card title="Server check" description="What on this server lets a tenant reach past its own database, or shows a tenant changed its own role (also: tenantctl doctor).">
        <ServerCheckCard />
      </Card>
    </Stack>
  );
}

function Card({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Paper withBorder shadow="xs" p="lg" component="section" aria-label={title}>
      <Text fw={650} size="md">
        {title}
      </Text>
      <Text size="xs" c="dimmed" mb="lg">
        {description}
      </Text>
      {children}
    </Paper>
  );
}
