import { useEffect, useRef, useState } from 'react';
import { Text } from '@mantine/core';
import { Modal } from '../../../components/Modal';
import type { TenantCredentials, TenantDetail } from '../../../../src-shared/contract/models';
import { api } from '../../../api/client';
import { ApiError } from '../../../api/api-error';
import { notifyError, notifySuccess } from '../../../lib/notify';
import { newRequestId } from '../../../lib/request-id';
import { useTenantDetailStore } from '../../../store/tenant-detail-store';
import { CreateTenantForm, EMPTY_VALUES, type CreateTenantValues } from './CreateTenantForm';
import { CredentialsView } from './CredentialsView';
import { distinctSteps, ProvisioningView, type ProgressEvent } from './ProvisioningView';
import { invalidate } from '../../../store/invalidation';

type Phase =
  | { readonly kind: 'form'; readonly values: CreateTenantValues; readonly error: string | null }
  | { readonly kind: 'provisioning'; readonly values: CreateTenantValues; readonly events: readonly ProgressEvent[] }
  | {
      readonly kind: 'done';
      readonly tenant: TenantDetail;
      readonly credentials: TenantCredentials;
      readonly events: readonly ProgressEvent[];
      readonly elapsedMs: number;
    };

const FRESH: Phase = { kind: 'form', values: EMPTY_VALUES, error: null };

const TITLES: Readonly<Record<Phase['kind'], string>> = {
  form: 'New tenant',
  provisioning: 'Creating tenant',
  done: 'Tenant created',
};

export function CreateTenantModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [phase, setPhase] = useState<Phase>(FRESH);
  // Bumped on every open so the form remounts with fresh state.
  const [formKey, setFormKey] = useState(0);
  const running = useRef(false);
  const stopListening = useRef<(() => void) | null>(null);

  useEffect(() => () => stopListening.current?.(), []);

  const close = () => {
    if (phase.kind === 'provisioning') return;
    onClose();
  };

  const reset = () => {
    stopListening.current?.();
    stopListening.current = null;
    setPhase(FRESH);
    setFormKey((key) => key + 1);
  };

  const submit = async (values: CreateTenantValues) => {
    if (running.current) return;
    running.current = true;
    const requestId = newRequestId();
    const started = performance.now();
    let events: ProgressEvent[] = [];
    setPhase({ kind: 'provisioning', values, events });
    // Listen before asking, so no step of this request is missed; keep listening until the
    // modal closes, as events travel on another connection and may land after the answer.
    stopListening.current?.();
    stopListening.current = api().subscribe('job:progress', (event) => {
      if (event.requestId !== requestId) return;
      events = [...events, event];
      setPhase((current) =>
        current.kind === 'provisioning' || current.kind === 'done'
          ? { ...current, events: current.kind === 'done' ? distinctSteps(events) : events }
          : current,
      );
    });
    try {
      const result = await api().invoke('tenants:create', { ...values, requestId });
      if (!result.ok) {
        const error = new ApiError(result.error);
        notifyError(`Could not create ${values.companyName}`, error);
        setPhase({ kind: 'form', values, error: error.message });
        return;
      }
      const { tenant, credentials } = result.value;
      setPhase({ kind: 'done', tenant, credentials, events: distinctSteps(events), elapsedMs: performance.now() - started });
      notifySuccess('Tenant created', `${tenant.companyName} (${tenant.tenantCode}) is ready.`);
      invalidate({ event: 'tenant:created' });
    } catch (error) {
      notifyError(`Could not create ${values.companyName}`, error);
      setPhase({ kind: 'form', values, error: error instanceof Error ? error.message : null });
    } finally {
      running.current = false;
    }
  };

  const locked = phase.kind !== 'form';

  return (
    <Modal
      opened={opened}
      onClose={close}
      onExitTransitionEnd={reset}
      title={
        <Text fw={650} size="lg">
          {TITLES[phase.kind]}
        </Text>
      }
      size={phase.kind === 'done' ? 600 : 520}
      // Only the form closes by Escape, a click outside or ×: while provisioning nothing
      // may interrupt, and the credentials step closes only through "I have stored it" —
      // the console keeps no readable copy of the password.
      closeOnClickOutside={!locked}
      closeOnEscape={!locked}
      withCloseButton={!locked}
      data-testid="create-tenant-modal"
    >
      {phase.kind === 'form' && (
        <CreateTenantForm
          key={formKey}
          initialValues={phase.values}
          submitError={phase.error}
          onSubmit={(values) => void submit(values)}
          onCancel={close}
        />
      )}
      {phase.kind === 'provisioning' && <ProvisioningView companyName={phase.values.companyName} events={phase.events} />}
      {phase.kind === 'done' && (
        <CredentialsView
          tenant={phase.tenant}
          credentials={phase.credentials}
          steps={phase.events}
          elapsedMs={phase.elapsedMs}
          onDone={close}
          onOpenTenant={() => {
            const code = phase.tenant.tenantCode;
            onClose();
            useTenantDetailStore.getState().open(code);
          }}
        />
      )}
    </Modal>
  );
}
