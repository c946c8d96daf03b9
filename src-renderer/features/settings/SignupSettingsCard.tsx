import { useState, type FormEvent } from 'react';
import { Button, Group, NumberInput, Stack, Text } from '@mantine/core';
import { channels } from '../../../src-shared/contract/channels';
import { SIGNUP_SETTING_RANGES, type Settings } from '../../../src-shared/contract/models';
import { api } from '../../api/client';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useActionBlock } from '../../store/action-block';
import { useReferenceStore } from '../../store/reference-store';
import { BlockedAction } from '../offline/BlockedAction';

type SignupSettingName = keyof typeof SIGNUP_SETTING_RANGES;
type SignupValues = Record<SignupSettingName, number | string>;

const FIELDS: readonly { name: SignupSettingName; label: string; description: string; unit: string; testId: string }[] = [
  { name: 'signupRequestsPerHour', label: 'Sign-up requests per address', description: 'From one client address, per hour; more are refused until the hour has passed.', unit: 'per hour', testId: 'settings-signup-requests' },
  { name: 'signupInvitationDays', label: 'Invitation link works for', description: 'After this the link is refused and the applicant asks again.', unit: 'days', testId: 'settings-signup-invitation' },
  { name: 'onboardingStalledDays', label: 'Trial stalled after', description: 'Days without a sign-in: the trial is listed as stalled and nudged once.', unit: 'days', testId: 'settings-onboarding-stalled' },
];

/** main's own rule for the field (settings:update's schema), so a problem shows while typing. */
function fieldProblem(name: SignupSettingName, value: number | string): string | null {
  if (typeof value !== 'number' || Number.isNaN(value)) return 'Enter a whole number.';
  const parsed = channels['settings:update'].input.shape[name].safeParse(value);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'Not an acceptable value.');
}

/** The three self-service sign-up settings (src-main/signups): rate limit, invitation life, stalled trials. */
export function SignupSettingsCard() {
  const settings = useReferenceStore((state) => state.settings);
  if (!settings) return null;
  return <SignupSettingsForm key={`${settings.signupRequestsPerHour}|${settings.signupInvitationDays}|${settings.onboardingStalledDays}`} saved={settings} />;
}

function SignupSettingsForm({ saved }: { saved: Settings }) {
  const blocked = useActionBlock('settings:update');
  const [values, setValues] = useState<SignupValues>({
    signupRequestsPerHour: saved.signupRequestsPerHour,
    signupInvitationDays: saved.signupInvitationDays,
    onboardingStalledDays: saved.onboardingStalledDays,
  });
  const [saving, setSaving] = useState(false);
  const problems = Object.fromEntries(FIELDS.map(({ name }) => [name, fieldProblem(name, values[name])])) as Record<SignupSettingName, string | null>;
  const valid = FIELDS.every(({ name }) => problems[name] === null);
  const changes = Object.fromEntries(FIELDS.filter(({ name }) => values[name] !== saved[name]).map(({ name }) => [name, values[name]])) as Partial<Record<SignupSettingName, number>>;
  const changed = Object.keys(changes).length > 0;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!changed || !valid || saving) return;
    setSaving(true);
    try {
      const updated = await api().call('settings:update', changes);
      notifySuccess('Sign-up settings saved', `${updated.signupRequestsPerHour} requests per address per hour; invitations work ${updated.signupInvitationDays} days; trials stall after ${updated.onboardingStalledDays} days.`);
      // The card remounts with main's answer.
      useReferenceStore.getState().setSettings(updated);
    } catch (error) {
      notifyError('The sign-up settings were not saved', error);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={(event) => void save(event)} noValidate data-testid="signup-settings-form">
      <Stack gap="md">
        {FIELDS.map(({ name, label, description, unit, testId }) => (
          <NumberInput
            key={name}
            label={label}
            description={description}
            withAsterisk
            min={SIGNUP_SETTING_RANGES[name].min}
            max={SIGNUP_SETTING_RANGES[name].max}
            clampBehavior="none"
            allowDecimal={false}
            allowNegative={false}
            value={values[name]}
            onChange={(value) => setValues((current) => ({ ...current, [name]: value }))}
            error={problems[name]}
            rightSection={
              <Text size="sm" c="dimmed" pr="md">
                {unit}
              </Text>
            }
            rightSectionWidth={80}
            rightSectionPointerEvents="none"
            hideControls
            styles={{ wrapper: { maxWidth: 240 } }}
            data-testid={testId}
          />
        ))}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" disabled={!changed || saving} onClick={() => setValues({ signupRequestsPerHour: saved.signupRequestsPerHour, signupInvitationDays: saved.signupInvitationDays, onboardingStalledDays: saved.onboardingStalledDays })} data-testid="signup-settings-reset">
            Reset
          </Button>
          <BlockedAction reason={blocked} testId="signup-settings-save-blocked">
            <Button type="submit" disabled={!changed || !valid || blocked !== null} loading={saving} data-testid="signup-settings-save">
              Save
            </Button>
          </BlockedAction>
        </Group>
      </Stack>
    </form>
  );
}
