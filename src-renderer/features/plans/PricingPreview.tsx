import { useState } from 'react';
import { Group, NumberInput, Paper, Stack, Table, Text } from '@mantine/core';
import { priceForUsage, PRICING_UNIT, type MeteredUsage, type PlanPricing } from '../../../src-shared/domain/pricing';
import { formatMoney } from '../../lib/format';

const UNIT_WORD = { users: 'users', companies: 'companies', transactions: 'transactions' } as const;

/**
 * What a tenant would pay per period for a sample of usage, by the same rule the invoices use
 * (priceForUsage): the operator types sample users, companies and transactions and sees the
 * lines change as the pricing is edited.
 */
export function PricingPreview({ pricing, currency }: { pricing: PlanPricing; currency: string }) {
  const [sample, setSample] = useState<MeteredUsage>({ peakUsers: 12, peakCompanies: 2, transactions: 5000 });
  const price = priceForUsage(pricing, sample);
  const unit = PRICING_UNIT[pricing.pricingModel];
  const per = pricing.interval === 'none' ? '' : ` per ${pricing.interval}`;
  const field = (key: keyof MeteredUsage, label: string, testId: string) => (
    <NumberInput
      label={label}
      size="xs"
      value={sample[key]}
      onChange={(value) => setSample((current) => ({ ...current, [key]: typeof value === 'number' ? value : Number(value) || 0 }))}
      min={0}
      max={100_000_000}
      allowDecimal={false}
      thousandSeparator=","
      data-testid={testId}
      w={140}
    />
  );
  return (
    <Paper withBorder p="sm" radius="md" data-testid="pricing-preview">
      <Stack gap="xs">
        <Text size="sm" fw={600}>
          Price preview for sample usage
        </Text>
        <Group gap="sm" align="flex-end">
          {field('peakUsers', 'Users (peak)', 'preview-users')}
          {field('peakCompanies', 'Companies (peak)', 'preview-companies')}
          {field('transactions', 'Transactions', 'preview-transactions')}
        </Group>
        <Table withRowBorders={false} verticalSpacing={2} fz="sm" data-testid="pricing-preview-lines">
          <Table.Tbody>
            {price.baseCents !== null && price.baseCents > 0 && (
              <Table.Tr>
                <Table.Td>Base price{pricing.pricingModel === 'base_plus_usage' ? ` (${pricing.includedUnits.toLocaleString('en-US')} transactions included)` : ''}</Table.Td>
                <Table.Td ta="right">{formatMoney(price.baseCents, currency)}</Table.Td>
              </Table.Tr>
            )}
            {price.units && unit && (
              <Table.Tr>
                <Table.Td>
                  {price.units.billed.toLocaleString('en-US')} {UNIT_WORD[unit]} × {formatMoney(price.units.unitCents, currency)}
                  <Text span size="xs" c="dimmed">
                    {' '}
                    ({price.units.measured.toLocaleString('en-US')} counted{price.units.included > 0 ? `, ${price.units.included.toLocaleString('en-US')} included` : ''})
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{formatMoney(price.units.amountCents, currency)}</Table.Td>
              </Table.Tr>
            )}
            <Table.Tr>
              <Table.Td fw={700}>Total{per} (before tax{pricing.pricingModel === 'flat' ? ' and overage' : ''})</Table.Td>
              <Table.Td ta="right" fw={700} data-testid="pricing-preview-total">
                {pricing.priceCents === null && pricing.pricingModel === 'flat' ? 'Custom pricing' : formatMoney(price.totalCents, currency)}
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Stack>
    </Paper>
  );
}
