import { useState } from 'react';
import { Alert, Button, Divider, Grid, Group, NumberInput, SegmentedControl, Select, Skeleton, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { IconMailForward } from '@tabler/icons-react';
import type { BillingSettings, ProrationBehavior } from '../../../src-shared/contract/billing-models';
import type { ChannelInput } from '../../../src-shared/contract/channels';
import { api } from '../../api/client';
import { LoadErrorAlert } from '../../components/LoadErrorAlert';
import { notifyError, notifySuccess } from '../../lib/notify';
import { useQuery } from '../../lib/use-query';
import { invalidate } from '../../store/invalidation';
import { useActionBlocks } from '../../store/action-block';
import { BlockedAction } from '../offline/BlockedAction';
import { PRORATION_LABELS } from './billing-labels';
import { contractProblems } from './contract-problems';
import { SecretField } from './SecretField';
import { secretPatch, type SecretEdit } from './secret-edit';

type Patch = ChannelInput<'billing:updateSettings'>;

/** The billing settings, in one place (the Billing page): mode, invoicing, the lifecycle's days, seller, e-mail, secrets. */
export function BillingSettingsCard() {
  const settings = useQuery(() => api().call('billing:settings', {}), []);
  if (settings.error && !settings.value) return <LoadErrorAlert title="Billing settings could not be loaded" message={settings.error} onRetry={settings.reload} data-testid="billing-settings-error" />;
  if (!settings.value) return <Skeleton h={320} data-testid="billing-settings-loading" />;
  const saved = settings.value;
  return (
    <BillingSettingsForm
      key={JSON.stringify(saved)}
      saved={saved}
      onSaved={(next) => {
        settings.set(next);
        invalidate({ event: 'billing:settingsSaved' });
      }}
    />
  );
}

const numberOf = (value: number | string): number => (typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value));
const orNull = (value: string): string | null => (value.trim() === '' ? null : value.trim());

function BillingSettingsForm({ saved, onSaved }: { saved: BillingSettings; onSaved: (settings: BillingSettings) => void }) {
  const blockOf = useActionBlocks();
  const blocked = blockOf('billing:updateSettings');
  const testEmailBlocked = blockOf('billing:testEmail');
  const [mode, setMode] = useState(saved.mode);
  const [currency, setCurrency] = useState(saved.currency);
  const [taxRate, setTaxRate] = useState<number | string>(saved.taxRatePercent);
  const [series, setSeries] = useState(saved.invoiceSeries);
  const [dueDays, setDueDays] = useState<number | string>(saved.invoiceDueDays);
  const [overdueDays, setOverdueDays] = useState<number | string>(saved.overdueDays);
  const [graceDays, setGraceDays] = useState<number | string>(saved.gracePeriodDays);
  const [noticeDays, setNoticeDays] = useState<number | string>(saved.trialNoticeDays);
  const [autoFinalize, setAutoFinalize] = useState(saved.autoFinalize);
  const [proration, setProration] = useState<ProrationBehavior>(saved.prorationBehavior);
  const [sellerName, setSellerName] = useState(saved.seller.name);
  const [sellerAddress, setSellerAddress] = useState(saved.seller.address);
  const [smtpHost, setSmtpHost] = useState(saved.smtp.host ?? '');
  const [smtpPort, setSmtpPort] = useState<number | string>(saved.smtp.port);
  const [smtpSecure, setSmtpSecure] = useState(saved.smtp.secure);
  const [smtpUser, setSmtpUser] = useState(saved.smtp.username ?? '');
  const [smtpFrom, setSmtpFrom] = useState(saved.smtp.from ?? '');
  const [smtpPlaintext, setSmtpPlaintext] = useState(saved.smtp.allowPlaintext);
  const [smtpPassword, setSmtpPassword] = useState<SecretEdit>({ action: 'keep' });
  const [stripeKey, setStripeKey] = useState<SecretEdit>({ action: 'keep' });
  const [webhookSecret, setWebhookSecret] = useState<SecretEdit>({ action: 'keep' });
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);

  // Only what changed goes to main; seller and SMTP travel whole (the contract takes them as objects).
  const patch: Patch = {};
  if (mode !== saved.mode) patch.mode = mode;
  if (currency !== saved.currency) patch.currency = currency;
  if (numberOf(taxRate) !== saved.taxRatePercent) patch.taxRatePercent = numberOf(taxRate);
  if (series !== saved.invoiceSeries) patch.invoiceSeries = series;
  if (numberOf(dueDays) !== saved.invoiceDueDays) patch.invoiceDueDays = numberOf(dueDays);
  if (numberOf(overdueDays) !== saved.overdueDays) patch.overdueDays = numberOf(overdueDays);
  if (numberOf(graceDays) !== saved.gracePeriodDays) patch.gracePeriodDays = numberOf(graceDays);
  if (numberOf(noticeDays) !== saved.trialNoticeDays) patch.trialNoticeDays = numberOf(noticeDays);
  if (autoFinalize !== saved.autoFinalize) patch.autoFinalize = autoFinalize;
  if (proration !== saved.prorationBehavior) patch.prorationBehavior = proration;
  if (sellerName !== saved.seller.name || sellerAddress !== saved.seller.address) patch.seller = { name: sellerName, address: sellerAddress };
  const smtp = { host: orNull(smtpHost), port: numberOf(smtpPort), secure: smtpSecure, username: orNull(smtpUser), from: orNull(smtpFrom), allowPlaintext: smtpPlaintext };
  if (JSON.stringify(smtp) !== JSON.stringify(saved.smtp)) patch.smtp = smtp;
  const secrets = { smtpPassword: secretPatch(smtpPassword), stripeSecretKey: secretPatch(stripeKey), stripeWebhookSecret: secretPatch(webhookSecret) };
  for (const [name, value] of Object.entries(secrets)) if (value !== undefined) (patch as Record<string, unknown>)[name] = value;

  const problems = contractProblems('billing:updateSettings', patch);
  const keyAfter = stripeKey.action === 'replace' || (stripeKey.action === 'keep' && saved.stripeSecretKeySet);
  const modeProblem = mode === 'stripe' && !keyAfter ? 'Stripe mode needs the Stripe secret key: set it below.' : undefined;
  const dirty = Object.keys(patch).length > 0;
  const valid = Object.keys(problems).length === 0 && !modeProblem;

  async function save() {
    setSaving(true);
    setSaveError(null);
    try {
      const next = await api().call('billing:updateSettings', patch);
      notifySuccess('Billing settings saved', 'The lifecycle job and new invoices use them from now on.');
      onSaved(next);
    } catch (failure) {
      setSaveError(failure instanceof Error ? failure.message : String(failure));
      notifyError('Could not save the billing settings', failure);
    } finally {
      setSaving(false);
    }
  }

  const num = (label: string, value: number | string, set: (value: number | string) => void, field: string, description: string, testId: string, suffix = ' days') => (
    <NumberInput label={label} description={description} value={value} onChange={set} min={0} allowDecimal={false} suffix={suffix} error={problems[field]} data-testid={testId} />
  );

  return (
    <Stack gap="lg" data-testid="billing-settings">
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap="md">
            <Text size="sm" fw={650}>
              Mode and invoicing
            </Text>
            <div>
              <Text size="sm" fw={500} mb={4}>
                Billing mode
              </Text>
              <SegmentedControl
                value={mode}
                onChange={(value) => setMode(value as BillingSettings['mode'])}
                data={[
                  { value: 'manual', label: 'Manual invoicing' },
                  { value: 'stripe', label: 'Stripe' },
                ]}
                data-testid="settings-mode"
              />
              {modeProblem && (
                <Text size="xs" c="red" mt={4} data-testid="settings-mode-error">
                  {modeProblem}
                </Text>
              )}
            </div>
            <Group grow align="flex-start">
              <TextInput label="Currency" description="ISO code" value={currency} onChange={(event) => setCurrency(event.currentTarget.value.toUpperCase())} maxLength={3} error={problems.currency} data-testid="settings-currency" />
              <NumberInput label="Tax rate" description="on every invoice" value={taxRate} onChange={setTaxRate} min={0} max={100} decimalScale={3} suffix=" %" error={problems.taxRatePercent} data-testid="settings-tax" />
            </Group>
            <Group grow align="flex-start">
              <TextInput label="Invoice series" description="numbers read INV-000042" value={series} onChange={(event) => setSeries(event.currentTarget.value.toUpperCase())} error={problems.invoiceSeries} data-testid="settings-series" />
              {num('Payment due', dueDays, setDueDays, 'invoiceDueDays', 'after the invoice is issued', 'settings-due-days')}
            </Group>
            <Switch label="Finalize periodic invoices when made" description="Off: they wait as drafts for you to check and finalize." checked={autoFinalize} onChange={(event) => setAutoFinalize(event.currentTarget.checked)} data-testid="settings-auto-finalize" />
            <Select
              label="Proration on upgrades (default)"
              data={Object.entries(PRORATION_LABELS).map(([value, label]) => ({ value, label }))}
              value={proration}
              onChange={(value) => value && setProration(value as ProrationBehavior)}
              allowDeselect={false}
              data-testid="settings-proration"
            />
            <Text size="sm" fw={650} mt="xs">
              Lifecycle
            </Text>
            <Group grow align="flex-start">
              {num('Overdue after', overdueDays, setOverdueDays, 'overdueDays', 'past due: grace starts', 'settings-overdue-days')}
              {num('Grace period', graceDays, setGraceDays, 'gracePeriodDays', 'then suspension', 'settings-grace-days')}
              {num('Trial notice', noticeDays, setNoticeDays, 'trialNoticeDays', 'before the trial ends', 'settings-notice-days')}
            </Group>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap="md">
            <Text size="sm" fw={650}>
              Seller (on every invoice)
            </Text>
            <TextInput label="Name" value={sellerName} onChange={(event) => setSellerName(event.currentTarget.value)} error={problems['seller.name']} data-testid="settings-seller-name" />
            <Textarea label="Address" value={sellerAddress} onChange={(event) => setSellerAddress(event.currentTarget.value)} autosize minRows={2} error={problems['seller.address']} data-testid="settings-seller-address" />
            <Text size="sm" fw={650} mt="xs">
              E-mail (SMTP)
            </Text>
            <Group grow align="flex-start">
              <TextInput label="Host" placeholder="smtp.example.com" value={smtpHost} onChange={(event) => setSmtpHost(event.currentTarget.value)} error={problems['smtp.host']} data-testid="settings-smtp-host" />
              <NumberInput label="Port" value={smtpPort} onChange={setSmtpPort} min={1} max={65535} allowDecimal={false} error={problems['smtp.port']} data-testid="settings-smtp-port" />
            </Group>
            <Switch label="TLS from the first byte (port 465)" description="Off: STARTTLS when the server offers it." checked={smtpSecure} onChange={(event) => setSmtpSecure(event.currentTarget.checked)} data-testid="settings-smtp-secure" />
            <Group grow align="flex-start">
              <TextInput label="User" value={smtpUser} onChange={(event) => setSmtpUser(event.currentTarget.value)} error={problems['smtp.username']} data-testid="settings-smtp-user" />
              <TextInput label="From" placeholder="Your ERP <billing@yourerp.com>" value={smtpFrom} onChange={(event) => setSmtpFrom(event.currentTarget.value)} error={problems['smtp.from']} data-testid="settings-smtp-from" />
            </Group>
            <Switch
              label="Allow sending without TLS"
              description="Only for a server on a trusted network that offers no TLS. A server on this machine never needs it."
              color="red"
              checked={smtpPlaintext}
              disabled={smtpSecure}
              onChange={(event) => setSmtpPlaintext(event.currentTarget.checked)}
              data-testid="settings-smtp-plaintext"
            />
            {smtpPlaintext && !smtpSecure && (
              <Alert color="red" variant="light" title="The SMTP password and every notice may travel unencrypted" data-testid="settings-smtp-plaintext-warning">
                Anyone on the network path can read them. Prefer port 465 (TLS) or a server that offers STARTTLS.
              </Alert>
            )}
          </Stack>
        </Grid.Col>
      </Grid>

      <Divider label={`Secrets · kept in ${saved.secretStore === 'electron-safe-storage' ? 'the OS keychain (safeStorage)' : 'a file only this user can read'}, never shown`} labelPosition="left" />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <SecretField label="SMTP password" isSet={saved.smtpPasswordSet} edit={smtpPassword} onChange={setSmtpPassword} error={problems.smtpPassword} testId="secret-smtp-password" />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <SecretField label="Stripe secret key" description="sk_live_… or rk_live_…" isSet={saved.stripeSecretKeySet} edit={stripeKey} onChange={setStripeKey} error={problems.stripeSecretKey} testId="secret-stripe-key" />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <SecretField label="Stripe webhook secret" description="whsec_… (host mode on a server)" isSet={saved.stripeWebhookSecretSet} edit={webhookSecret} onChange={setWebhookSecret} error={problems.stripeWebhookSecret} testId="secret-stripe-webhook" />
        </Grid.Col>
      </Grid>

      {saveError && (
        <Alert color="red" variant="light" data-testid="settings-save-error">
          {saveError}
        </Alert>
      )}
      <Group justify="space-between" wrap="wrap">
        <TestEmail disabledReason={testEmailBlocked ?? (saved.smtp.host ? null : 'Set and save an SMTP host first.')} />
        <BlockedAction reason={blocked}>
          <Button onClick={() => void save()} loading={saving} disabled={!dirty || !valid || blocked !== null} data-testid="settings-save">
            Save billing settings
          </Button>
        </BlockedAction>
      </Group>
    </Stack>
  );
}

function TestEmail({ disabledReason }: { disabledReason: string | null }) {
  const [to, setTo] = useState('');
  const [sending, setSending] = useState(false);
  const problem = to.trim() === '' ? null : (contractProblems('billing:testEmail', { to }).to ?? null);

  async function send() {
    setSending(true);
    try {
      const { messageId } = await api().call('billing:testEmail', { to });
      notifySuccess('Test e-mail sent', `The SMTP server accepted it (${messageId}).`);
    } catch (failure) {
      notifyError('The test e-mail could not be sent', failure);
    } finally {
      setSending(false);
    }
  }

  return (
    <Group gap="xs" align="flex-start" wrap="nowrap">
      <TextInput placeholder="you@example.com" aria-label="Send a test e-mail to" value={to} onChange={(event) => setTo(event.currentTarget.value)} error={problem} w={240} data-testid="test-email-to" />
      <BlockedAction reason={disabledReason}>
        <Button variant="default" leftSection={<IconMailForward size={16} />} onClick={() => void send()} loading={sending} disabled={disabledReason !== null || to.trim() === '' || problem !== null} data-testid="test-email-send">
          Send test e-mail
        </Button>
      </BlockedAction>
    </Group>
  );
}
