/**
 * Part of the tests' FAKE of an external service (Stripe's HTTP API). Subscription schedules,
 * reduced to what the console uses: a schedule made from an existing subscription
 * (`from_subscription`), its phases replaced by an update (the current phase kept, later
 * ones added), each phase one price; at a phase's start the subscription moves to its price
 * (a new interval resets the period and invoices, as any price change does); after the last
 * phase the schedule is released (the subscription runs on) or cancels the subscription.
 * Relied on: API reference, Subscription Schedules — create (`from_subscription`: "a
 * subscription schedule will be created using the subscription's item(s) … When using this
 * parameter, other parameters (such as phase values) cannot be set"), update (`phases`: "the
 * end_date of one phase will always equal the start_date of the next phase. Note that past
 * phases can be omitted"; `end_behavior`: "release will end the subscription schedule and
 * keep the underlying subscription running. cancel will … cancel the underlying
 * subscription"), release and cancel; Billing guide "Subscription schedules"
 * (docs.stripe.com/billing/subscriptions/subscription-schedules: "When a phase starts, Stripe
 * updates the subscription based on the next phase's attributes").
 */
import type Stripe from 'stripe';
import { anchorPlus } from './calendar';
import { changePrice, endSubscription, type Due, type ProrationBehavior } from './billing';
import { form, type FormObject } from './form-body';
import { FakeStripeError, type FakeStripeState, type SchedulePhase, type ScheduleRecord } from './state';
import { p, type Schema } from './validate';

const PRORATION = ['create_prorations', 'none', 'always_invoice'];

export const scheduleCreateParams: Schema = { from_subscription: p.required(p.string()) };

export const scheduleUpdateParams: Schema = {
  phases: p.array(
    p.object({
      items: p.required(p.array(p.object({ price: p.required(p.string()), quantity: p.integer(1, 1) }))),
      start_date: p.timestamp({ now: true }),
      end_date: p.timestamp({ now: true }),
      proration_behavior: p.enumOf(...PRORATION),
    }),
  ),
  end_behavior: p.enumOf('release', 'cancel', 'none', 'renew'),
  proration_behavior: p.enumOf(...PRORATION),
  metadata: p.metadata(),
};

export const scheduleReleaseParams: Schema = { preserve_cancel_date: p.boolean() };
export const scheduleCancelParams: Schema = { invoice_now: p.boolean(), prorate: p.boolean() };

const bad = (param: string, message: string): FakeStripeError => new FakeStripeError(400, 'invalid_request_error', undefined, message, param);

export function createSchedule(state: FakeStripeState, params: FormObject): Stripe.SubscriptionSchedule {
  const subId = form.str(params, 'from_subscription')!;
  const sub = state.subscription(subId, 'from_subscription');
  if (sub.schedule !== null) throw bad('from_subscription', `You cannot migrate a subscription that is already attached to a schedule: \`${sub.schedule}\`.`);
  if (!['trialing', 'active', 'past_due', 'unpaid'].includes(sub.status)) throw bad('from_subscription', `You cannot migrate a subscription with status \`${sub.status}\` to a schedule.`);
  const schedule: ScheduleRecord = {
    id: state.id('sub_sched'),
    created: state.now(),
    customer: sub.customer,
    subscription: sub.id,
    status: 'active',
    endBehavior: 'release',
    phases: [{ start: sub.periodStart, end: sub.periodEnd, priceId: sub.priceId, prorationBehavior: 'create_prorations' }],
    currentPhase: 0,
    releasedAt: null,
    canceledAt: null,
    releasedSubscription: null,
    metadata: {},
  };
  state.schedules.set(schedule.id, schedule);
  sub.schedule = schedule.id;
  state.emitSchedule('subscription_schedule.created', schedule);
  return state.renderSchedule(schedule);
}

const timeOf = (state: FakeStripeState, value: string | undefined): number | undefined => (value === undefined ? undefined : value === 'now' ? state.now() : Number(value));

export function updateSchedule(state: FakeStripeState, params: FormObject, id: string): Stripe.SubscriptionSchedule {
  const schedule = state.schedule(id);
  if (schedule.status !== 'active' && schedule.status !== 'not_started') throw bad('id', `You cannot update a subscription schedule that is \`${schedule.status}\`.`);
  const endBehavior = form.str(params, 'end_behavior');
  if (endBehavior === 'none' || endBehavior === 'renew') throw bad('end_behavior', `The fake models end_behavior release and cancel, not ${endBehavior}.`);
  const input = form.arr(params, 'phases');
  const sub = schedule.subscription ? state.subscription(schedule.subscription) : null;
  let phases = schedule.phases;
  if (input) {
    const current = schedule.phases[schedule.currentPhase]!;
    const built: SchedulePhase[] = [];
    input.forEach((raw, index) => {
      const items = form.arr(raw, 'items') ?? [];
      if (items.length !== 1) throw bad(`phases[${index}][items]`, 'The fake models one item per phase.');
      const priceId = form.str(items[0], 'price')!;
      state.price(priceId, `phases[${index}][items][0][price]`);
      const previousEnd = built[index - 1]?.end;
      const start = timeOf(state, form.str(raw, 'start_date')) ?? previousEnd ?? undefined;
      if (start === undefined) throw new FakeStripeError(400, 'invalid_request_error', 'parameter_missing', `Missing required param: phases[${index}][start_date].`, `phases[${index}][start_date]`);
      if (index === 0 && start !== current.start) throw bad('phases[0][start_date]', 'You can not modify the start date of the current phase.');
      if (previousEnd !== undefined && previousEnd !== null && start !== previousEnd) throw bad(`phases[${index}][start_date]`, `The start_date of phase ${index} must equal the end_date of the phase before it.`);
      const end = timeOf(state, form.str(raw, 'end_date')) ?? null;
      if (end === null && index < input.length - 1) throw bad(`phases[${index}][end_date]`, `Phase ${index} needs an end_date: another phase follows it.`);
      if (end !== null && end <= start) throw bad(`phases[${index}][end_date]`, 'The end_date of a phase must be after its start_date.');
      const behavior = (form.str(raw, 'proration_behavior') ?? form.str(params, 'proration_behavior') ?? 'create_prorations') as ProrationBehavior;
      built.push({ start, end, priceId, prorationBehavior: behavior });
    });
    phases = built;
  }
  schedule.phases = phases;
  schedule.currentPhase = 0;
  if (endBehavior) schedule.endBehavior = endBehavior as 'release' | 'cancel';
  const metadata = form.metadata(params);
  if (metadata) schedule.metadata = { ...schedule.metadata, ...metadata };
  // The current phase's price applies now.
  const first = schedule.phases[0];
  if (sub && first && sub.priceId !== first.priceId) changePrice(state, sub, state.price(first.priceId), first.prorationBehavior, state.now());
  state.emitSchedule('subscription_schedule.updated', schedule);
  return state.renderSchedule(schedule);
}

function release(state: FakeStripeState, schedule: ScheduleRecord): void {
  const sub = schedule.subscription ? state.subscriptions.get(schedule.subscription) : undefined;
  if (sub) sub.schedule = null;
  schedule.status = 'released';
  schedule.releasedAt = state.now();
  schedule.releasedSubscription = schedule.subscription;
  schedule.subscription = null;
  state.emitSchedule('subscription_schedule.released', schedule);
}

export function releaseSchedule(state: FakeStripeState, id: string): Stripe.SubscriptionSchedule {
  const schedule = state.schedule(id);
  if (schedule.status !== 'active' && schedule.status !== 'not_started') throw bad('id', `You cannot release a subscription schedule that is currently in the \`${schedule.status}\` status.`);
  release(state, schedule);
  return state.renderSchedule(schedule);
}

export function cancelSchedule(state: FakeStripeState, id: string): Stripe.SubscriptionSchedule {
  const schedule = state.schedule(id);
  if (schedule.status !== 'active' && schedule.status !== 'not_started') throw bad('id', `You cannot cancel a subscription schedule that is currently in the \`${schedule.status}\` status.`);
  const sub = schedule.subscription ? state.subscriptions.get(schedule.subscription) : undefined;
  schedule.status = 'canceled';
  schedule.canceledAt = state.now();
  if (sub && sub.status !== 'canceled') endSubscription(state, sub, 'cancellation_requested');
  if (sub) sub.schedule = null;
  state.emitSchedule('subscription_schedule.canceled', schedule);
  return state.renderSchedule(schedule);
}

/** The schedule's next step, if any: the next phase's start, or the end of the last phase. */
export function schedulePhaseDue(state: FakeStripeState, id: string): Due | null {
  const schedule = state.schedules.get(id);
  if (!schedule || schedule.status !== 'active' || !schedule.subscription) return null;
  const sub = state.subscriptions.get(schedule.subscription);
  if (!sub || sub.status === 'canceled') return null;
  const current = schedule.phases[schedule.currentPhase];
  if (!current) return null;
  const next = schedule.phases[schedule.currentPhase + 1];
  if (next) {
    return {
      at: next.start,
      order: 2,
      run: () => {
        schedule.currentPhase += 1;
        changePrice(state, sub, state.price(next.priceId), next.prorationBehavior, next.start);
        state.emitSchedule('subscription_schedule.updated', schedule);
      },
    };
  }
  const end = current.end ?? anchorPlus(current.start, 1, state.price(current.priceId).recurring?.interval ?? 'month');
  return {
    at: end,
    order: 2,
    run: () => {
      if (schedule.endBehavior === 'cancel') {
        schedule.status = 'canceled';
        schedule.canceledAt = state.now();
        sub.schedule = null;
        endSubscription(state, sub, 'cancellation_requested');
        state.emitSchedule('subscription_schedule.canceled', schedule);
      } else release(state, schedule);
    },
  };
}

