import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_WEBHOOK_BYTES, handleStripeWebhook } from '../billing/stripe/stripe-webhook';
import type { ConsoleCore } from '../app/console-core';
import { isAppError } from '../base/app-error';

export const STRIPE_WEBHOOK_PATH = '/stripe/webhook';

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/**
 * POST /stripe/webhook: Stripe calls it, so it has no session cookie and its Host is the
 * server's public name. The signature (Stripe-Signature, checked by the SDK with the webhook
 * secret over the raw body) is its authentication: a bad one is a 400 and nothing is applied.
 * Bodies over the cap are refused before being read in full.
 */
export async function handleStripeWebhookRoute(core: ConsoleCore, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'POST') return reply(response, 405, { error: 'Use POST.' });
  const signature = request.headers['stripe-signature'];
  if (typeof signature !== 'string' || signature === '') return reply(response, 400, { error: 'Missing Stripe-Signature.' });
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_WEBHOOK_BYTES) return reply(response, 413, { error: 'Body too large.' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_WEBHOOK_BYTES) return reply(response, 413, { error: 'Body too large.' });
    chunks.push(chunk as Buffer);
  }
  try {
    const result = await handleStripeWebhook(core.billing, Buffer.concat(chunks), signature);
    return reply(response, 200, { received: true, eventId: result.eventId, applied: result.applied });
  } catch (error) {
    if (isAppError(error) && (error.code === 'VALIDATION' || error.code === 'INVALID_STATE')) return reply(response, 400, { error: error.message });
    core.logger.error({ err: error }, 'a Stripe webhook could not be applied');
    // 500: Stripe retries later; the event is applied once whenever it gets through.
    return reply(response, 500, { error: 'The event could not be applied; Stripe will retry.' });
  }
}
