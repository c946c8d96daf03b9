import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconWorld } from '@tabler/icons-react';
import type { Settings } from '../../../src-shared/contract/models';
import { api } from '../../api/client';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useReferenceStore } from '../../store/reference-store';
import { useActionBlock } from '../../store/action-block';
import { BlockedAction } from '../offline/BlockedAction';
import {
  baseDomainProblem,
  normalizeDomain,
  RETENTION_MAX,
  RETENTION_MIN,
  retentionProblem,
  settingsChanges,
  SPARE_DATABASES,
  USAGE_INTERVAL_HOURS,
  WARNING_PERCENT,
  wholeNumberProblem,
  type SettingsValues,
} from './settings-rules';

/** The subdomain the preview line shows under the base domain. */
const EXAMPLE_SUBDOMAIN = 'acme';

/**
 * Edits what settings:update takes. Mounted afresh (keyed by the saved values) whenever main's
 * settings change, so after a save it starts from what main now has.
 */
export function SettingsForm({ saved }: { saved: Settings }) {
  const blocked = useActionBlock('settings:update');
  const [values, setValues] = useState<SettingsValues>(saved);
  const [saving, setSaving] = useState(false);

  const domainError = baseDomainProblem(values.baseDomain);
  const retentionError = retentionProblem(values.cancellationRetentionDays);
  const warningError = wholeNumberProblem(values.limitWarningPercent, WARNING_PERCENT.min, WARNING_PERCENT.max, 'a percentage');
  const intervalError = wholeNumberProblem(values.usageCollectionIntervalHours, USAGE_INTERVAL_HOURS.min, USAGE_INTERVAL_HOURS.max, 'a number of hours');
  const sparesError = wholeNumberProblem(values.spareDatabasesPerPlan, SPARE_DATABASES.min, SPARE_DATABASES.max, 'a number of databases');
  const changes = settingsChanges(values, saved);
  const changed = Object.keys(changes).length > 0;
  const valid = domainError === null && retentionError === null && warningError === null && intervalError === null && sparesError === null;
  const domain = normalizeDomain(values.baseDomain);

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!changed || !valid || saving) return;
    setSaving(true);
    try {
      const updated = await api().call('settings:update', changes);
      notifySuccess(
        'Settings saved',
        `Tenants are reached at <subdomain>.${updated.baseDomain}; cancelled tenants are kept ${updated.cancellationRetentionDays} days.`,
      );
      // The page remounts this form with main's answer.
      useReferenceStore.getState().setSettings(updated);
    } catch (error) {
      notifyError('Settings were not saved', error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form onSubmit={(event) => void handleSubmit(event)} noValidate data-testid="settings-form">
      <Stack gap="lg">
        <Stack gap={8}>
          <TextInput
            label="Base domain"
            description="Every tenant is reached at its subdomain under this domain."
            placeholder="example.com"
            withAsterisk
            value={values.baseDomain}
            onChange={(event) => {
              const baseDomain = event.currentTarget.value;
              setValues((current) => ({ ...current, baseDomain }));
            }}
            error={domainError}
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            maxLength={300}
            data-testid="settings-base-domain"
          />
          {domainError === null && (
            <Group gap={6} wrap="nowrap" data-testid="settings-preview">
              <IconWorld size={14} stroke={1.8} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0 }} />
              <Text size="xs" c="dimmed" truncate>
                Tenants are reached at{' '}
                <Text span inherit fw={600} c="var(--mantine-color-text)" ff="monospace" data-testid="settings-preview-host">
                  {EXAMPLE_SUBDOMAIN}.{domain}
                </Text>
              </Text>
            </Group>
          )}
        </Stack>
        {changes.baseDomain !== undefined && domainError === null && (
          <Alert variant="light" color="yellow" icon={<IconAlertTriangle size={18} />} py="xs" data-testid="settings-domain-warning">
            <Text size="sm">
              Every tenant&apos;s address moves from <b>{saved.baseDomain}</b> to <b>{domain}</b>. Point{' '}
              <Text span inherit ff="monospace">
                *.{domain}
              </Text>{' '}
              at the ERP before saving.
            </Text>
          </Alert>
        )}
        <NumberInput
          label="Cancellation retention"
          description="How long a cancelled tenant's database is kept before deletion. Applies to tenants cancelled after saving."
          withAsterisk
          min={RETENTION_MIN}
          max={RETENTION_MAX}
          clampBehavior="none"
          allowDecimal={false}
          allowNegative={false}
          value={values.cancellationRetentionDays}
          onChange={(cancellationRetentionDays) => setValues((current) => ({ ...current, cancellationRetentionDays }))}
          error={retentionError}
          rightSection={
            <Text size="sm" c="dimmed" pr="md">
              days
            </Text>
          }
          rightSectionWidth={64}
          rightSectionPointerEvents="none"
          hideControls
          styles={{ wrapper: { maxWidth: 220 } }}
          data-testid="settings-retention"
        />
        <Group gap="lg" align="flex-start">
          <NumberInput
            label="Limit warning"
            description="Dashboards and check_limit warn from this share of a limit."
            withAsterisk
            min={WARNING_PERCENT.min}
            max={WARNING_PERCENT.max}
            clampBehavior="none"
            allowDecimal={false}
            allowNegative={false}
            value={values.limitWarningPercent}
            onChange={(limitWarningPercent) => setValues((current) => ({ ...current, limitWarningPercent }))}
            error={warningError}
            rightSection={
              <Text size="sm" c="dimmed" pr="md">
                %
              </Text>
            }
            rightSectionPointerEvents="none"
            hideControls
            styles={{ root: { flex: 1, maxWidth: 300 } }}
            data-testid="settings-warning-percent"
          />
          <NumberInput
            label="Usage collection"
            description="How often a running console reads every tenant database."
            withAsterisk
            min={USAGE_INTERVAL_HOURS.min}
            max={USAGE_INTERVAL_HOURS.max}
            clampBehavior="none"
            allowDecimal={false}
            allowNegative={false}
            value={values.usageCollectionIntervalHours}
            onChange={(usageCollectionIntervalHours) => setValues((current) => ({ ...current, usageCollectionIntervalHours }))}
            error={intervalError}
            leftSection={
              <Text size="sm" c="dimmed" pl="xs">
                every
              </Text>
            }
            leftSectionWidth={56}
            rightSection={
              <Text size="sm" c="dimmed" pr="md">
                hours
              </Text>
            }
            rightSectionWidth={64}
            rightSectionPointerEvents="none"
            hideControls
            styles={{ root: { flex: 1, maxWidth: 300 } }}
            data-testid="settings-usage-interval"
          />
        </Group>
        <NumberInput
          label="Spare databases"
          description="Per plan, kept ready by a running console: creating a tenant renames one instead of cloning its plan's template. 0 keeps none."
          withAsterisk
          min={SPARE_DATABASES.min}
          max={SPARE_DATABASES.max}
          clampBehavior="none"
          allowDecimal={false}
          allowNegative={false}
          value={values.spareDatabasesPerPlan}
          onChange={(spareDatabasesPerPlan) => setValues((current) => ({ ...current, spareDatabasesPerPlan }))}
          error={sparesError}
          rightSection={
            <Text size="sm" c="dimmed" pr="md">
              per plan
            </Text>
          }
          rightSectionWidth={80}
          rightSectionPointerEvents="none"
          hideControls
          styles={{ wrapper: { maxWidth: 220 } }}
          data-testid="settings-spare-databases"
        />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" disabled={!changed || saving} onClick={() => setValues(saved)} data-testid="settings-reset">
            Reset
          </Button>
          <BlockedAction reason={blocked} testId="settings-save-blocked">
            <Button type="submit" disabled={!changed || !valid || blocked !== null} loading={saving} data-testid="settings-save">
              Save settings
            </Button>
          </BlockedAction>
        </Group>
      </Stack>
    </form>
  );
}
