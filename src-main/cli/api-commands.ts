import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { InvalidArgumentError, type Command } from 'commander';
import { API_SCOPES, apiKeyNameSchema, apiScopeSchema, type ApiKeyInfo, type ApiScope } from '../../src-shared/contract/api-key-channels';
import { AppError } from '../base/app-error';
import type { CliContext } from './cli-context';
import { openCliCore, notSignedInMessage, withCliSession } from './session';

const json = { flags: '--json', description: 'print JSON (snake_case) instead of text' } as const;

function keyNameArgument(value: string): string {
  const parsed = apiKeyNameSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'Not a valid API key name.');
  return parsed.data;
}

function collectScope(value: string, previous: ApiScope[] = []): ApiScope[] {
  const parsed = apiScopeSchema.safeParse(value.trim().toLowerCase());
  if (!parsed.success) throw new InvalidArgumentError(`A scope is one of ${API_SCOPES.join(', ')}.`);
  return [...previous, parsed.data];
}

function statusOf(key: ApiKeyInfo, now = Date.now()): string {
  if (key.revokedAt) return `revoked ${key.revokedAt}${key.revokedBy ? ` by ${key.revokedBy}` : ''}`;
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return `expired ${key.expiresAt}`;
  return 'active';
}

/** An address or CIDR range (IPv4 or IPv6) of a proxy in front of the API. */
function collectProxy(value: string, previous: string[] = []): string[] {
  const [address, bits, ...rest] = value.trim().split('/');
  const family = isIP(address ?? '');
  const maxBits = family === 6 ? 128 : 32;
  const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
  if (family === 0 || !bitsOk || rest.length > 0) throw new InvalidArgumentError('A trusted proxy is an IP address or a CIDR range, such as 127.0.0.1 or 10.0.0.0/8.');
  return [...previous, value.trim()];
}

async function readPem(path: string, option: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new AppError('VALIDATION', `Cannot read ${option} ${path}: ${(error as Error).message}`);
  }
}

/** `tenantctl api-keys …` (admins create and revoke; everyone may list) and `tenantctl api serve`. */
export function registerApiCommands(program: Command, cli: CliContext): void {
  const keys = program.command('api-keys').description('keys for the tenant API (docs/api.md): shown once, stored hashed, with scopes');

  keys
    .command('create')
    .description('create an API key (admins); the key is printed once')
    .argument('<name>', 'key name: a letter, then letters, digits, _ and - (appears in the audit log as api-key:<name>)', keyNameArgument)
    .requiredOption('--scope <scope>', `repeat for each scope: ${API_SCOPES.join(', ')}`, collectScope)
    .option('--expires <iso>', 'expiry, an ISO time such as 2027-01-31T00:00:00Z (default: never)')
    .option(json.flags, json.description)
    .action(async (name: string, options: { scope: ApiScope[]; expires?: string; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const created = await session.call('apiKeys:create', { name, scopes: options.scope, ...(options.expires ? { expiresAt: options.expires } : {}) });
        if (options.json) return cli.printJson({ name: created.name, scopes: created.scopes, key: created.key, prefix: created.prefix, expiresAt: created.expiresAt });
        cli.out(`Created API key ${created.name} (${created.scopes.join(', ')})${created.expiresAt ? `, expires ${created.expiresAt}` : ''}.\n`);
        cli.out(`\nKey:  ${created.key}\n`);
        cli.out('It will not be shown again: only its SHA-256 is kept. Send it as Authorization: Bearer <key>.\n');
      });
    });

  keys
    .command('list')
    .description('list API keys: scopes, prefix, last use, expiry, revocation (never the keys)')
    .option(json.flags, json.description)
    .action(async (options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const list = await session.call('apiKeys:list', {});
        if (options.json) return cli.printJson(list);
        cli.printTable(
          ['NAME', 'SCOPES', 'PREFIX', 'STATUS', 'LAST USED', 'CREATED BY'],
          list.map((key) => [key.name, key.scopes.join(','), `${key.prefix}…`, statusOf(key), key.lastUsedAt ?? 'never', key.createdBy ?? '—']),
        );
      });
    });

  keys
    .command('revoke')
    .description('revoke an API key (admins): refused from the next request on')
    .argument('<name>', 'key name', keyNameArgument)
    .option(json.flags, json.description)
    .action(async (name: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const revoked = await session.call('apiKeys:revoke', { name });
        if (options.json) return cli.printJson(revoked);
        cli.out(`Revoked API key ${revoked.name}.\n`);
      });
    });

  const api = program.command('api').description('the tenant API server (docs/api.md)');
  api
    .command('serve')
    .description('serve the tenant API as the signed-in operator (its grants apply; keys restrict further)')
    .option('--listen <host:port>', 'address to listen on (off 127.0.0.1 / ::1, TLS is required)', '127.0.0.1:8787')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS')
    .option('--tls-key <file>', 'PEM private key of the certificate')
    .option('--rate-limit <n>', 'requests per key per minute (default 600)', (value: string) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new InvalidArgumentError('The rate limit is a whole number of requests per minute, 1 or more.');
      return n;
    })
    .option('--trusted-proxy <address>', "repeat for each proxy (an address or CIDR range, e.g. 127.0.0.1) whose X-Forwarded-For names the client (the sign-up rate limit's key); default none", collectProxy)
    .option(json.flags, 'print {"url","operator"} as JSON once listening')
    .action(async (options: { listen: string; tlsCert?: string; tlsKey?: string; rateLimit?: number; trustedProxy?: string[]; json?: boolean }) => {
      if (Boolean(options.tlsCert) !== Boolean(options.tlsKey)) throw new AppError('VALIDATION', 'Give both --tls-cert and --tls-key, or neither.');
      const tls = options.tlsCert && options.tlsKey ? { cert: await readPem(options.tlsCert, '--tls-cert'), key: await readPem(options.tlsKey, '--tls-key') } : undefined;
      const { startTenantApi } = await import('../tenant-api/tenant-api-server');
      const core = await openCliCore(cli, 'cli');
      let server;
      try {
        if (!core.sessions.current) throw new AppError('UNAUTHENTICATED', notSignedInMessage(core));
        server = await startTenantApi(core, {
          listen: options.listen,
          ...(tls ? { tls } : {}),
          ...(options.rateLimit ? { rateLimit: { max: options.rateLimit, windowMs: 60_000 } } : {}),
          ...(options.trustedProxy ? { trustedProxies: options.trustedProxy } : {}),
        });
      } catch (error) {
        await core.close();
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new AppError('CONFLICT', `${options.listen} is in use by another program.`);
        throw error;
      }
      if (options.json) cli.out(`${JSON.stringify({ url: server.url, operator: server.operator })}\n`);
      else cli.out(`Tenant API: ${server.url}/api/openapi.json (acting as ${server.operator})\n(press Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const off = cli.onSignal(() => {
          off();
          resolve();
        });
      });
      await server.close();
      await core.close();
    });
}
