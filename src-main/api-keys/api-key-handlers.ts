import type { Handler } from '../base/handler-types';
import type { PlatformContext } from '../platform/platform-context';
import { createApiKey, listApiKeys, revokeApiKey } from './api-key-store';

type ApiKeyChannel = 'apiKeys:list' | 'apiKeys:create' | 'apiKeys:revoke';

/** API keys, on the caller's own connection: migration 012's grants let admins create and revoke, everyone list (never a hash). */
export function createApiKeyHandlers(ctx: PlatformContext): { readonly [C in ApiKeyChannel]: Handler<C> } {
  return {
    'apiKeys:list': async () => listApiKeys(ctx.pool),
    'apiKeys:create': async ({ name, scopes, expiresAt }) => createApiKey(ctx.pool, { name, scopes, expiresAt, createdBy: ctx.operator }),
    'apiKeys:revoke': async ({ name }) => revokeApiKey(ctx.pool, name, ctx.operator),
  };
}
