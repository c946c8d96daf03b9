import { InvalidArgumentError, type Command } from 'commander';
import type { ChannelInput } from '../../src-shared/contract/channels';
import type { PlanVersion } from '../../src-shared/contract/plan-models';
import { describePricing, PRICING_MODELS, type PricingModel } from '../../src-shared/domain/pricing';
import type { CliContext } from './cli-context';
import { withCliSession } from './session';

function centsOption(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 100_000_000) throw new InvalidArgumentError('Cents are a whole number from 0 to 100000000.');
  return Number(value);
}

function countOption(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 1_000_000_000) throw new InvalidArgumentError('A whole number from 0 to 1000000000.');
  return Number(value);
}

function modelOption(value: string): PricingModel {
  if (!(PRICING_MODELS as readonly string[]).includes(value)) throw new InvalidArgumentError(`Pricing model must be one of ${PRICING_MODELS.join(', ')}.`);
  return value as PricingModel;
}

interface EditOptions {
  name?: string;
  pricingModel?: PricingModel;
  priceCents?: number;
  unitPriceCents?: number;
  includedUnits?: number;
  trialDays?: number;
  trialCardRequired?: boolean;
  supportTier?: string;
  json?: boolean;
}

/** The plans:update input the options ask for (only what was given: the rest stays as the current version has it). */
export function planEditInput(code: string, options: EditOptions): ChannelInput<'plans:update'> {
  return {
    code,
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.pricingModel !== undefined ? { pricingModel: options.pricingModel } : {}),
    ...(options.priceCents !== undefined ? { priceCents: options.priceCents } : {}),
    ...(options.unitPriceCents !== undefined ? { unitPriceCents: options.unitPriceCents } : {}),
    ...(options.includedUnits !== undefined ? { includedUnits: options.includedUnits } : {}),
    ...(options.trialDays !== undefined ? { trialDays: options.trialDays } : {}),
    ...(options.trialCardRequired !== undefined ? { trialCardRequired: options.trialCardRequired } : {}),
    ...(options.supportTier !== undefined ? { supportLevel: options.supportTier } : {}),
  };
}

function printVersion(cli: CliContext, v: PlanVersion): void {
  cli.printFields([
    ['Plan', `${v.name} (${v.code} v${v.version}, current)`],
    ['Pricing', `${v.pricingModel}: ${describePricing(v)}`],
    ['Trial', v.trialDays === null ? 'none' : `${v.trialDays} days${v.trialCardRequired ? ', card required up front' : ''}`],
    ['Support tier', v.supportLevel],
    ['Tenants on it', String(v.tenantCount)],
  ]);
}

/** `tenantctl plan edit CODE …`: a new version of the plan (tenants keep theirs until moved), printed. */
export function registerPlanEditCommand(plan: Command, cli: CliContext): void {
  plan
    .command('edit')
    .description('make a new version of a plan with the given changes (tenants keep their version until moved) and print it')
    .argument('<code>', 'plan code')
    .option('--name <text>', 'display name')
    .option('--pricing-model <model>', PRICING_MODELS.join('|'), modelOption)
    .option('--price-cents <n>', 'base price per interval (0 for per_user, per_company, per_transaction)', centsOption)
    .option('--unit-price-cents <n>', 'price per user, company or transaction', centsOption)
    .option('--included-units <n>', 'units the price includes (free seats, or transactions the base price covers)', countOption)
    .option('--trial-days <n>', 'trial length in days', countOption)
    .option('--trial-card-required', 'a trial needs a payment method up front')
    .option('--no-trial-card-required', 'a trial starts without a payment method')
    .option('--support-tier <text>', 'support tier, e.g. email, priority, dedicated')
    .option('--json', 'print JSON (snake_case) instead of text')
    .action(async (code: string, options: EditOptions) => {
      await withCliSession(cli, async (session) => {
        const version = await session.call('plans:update', planEditInput(code, options));
        if (options.json) return cli.printJson(version);
        printVersion(cli, version);
      });
    });
}
