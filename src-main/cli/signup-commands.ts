import type { Command } from 'commander';
import type { CliContext } from './cli-context';
import { CliError } from './output';
import { withCliSession, type CliSession } from './session';

const json = { flags: '--json', description: 'print JSON (snake_case) instead of text' } as const;

/**
 * A sign-up made from the CLI provisions a tenant like tenants:create: only an admin may
 * (PostgreSQL's memberships decide, as for every channel); the onboarding run acts as the
 * console, like `jobs run`, for cron.
 */
async function requireAdmin(session: CliSession, what: string): Promise<void> {
  const current = session.core.sessions.current;
  const { allowed, role } = current ? await current.check('admin') : { allowed: false, role: null };
  if (!allowed) throw new CliError({ code: 'FORBIDDEN', message: `permission denied: ${role ?? 'nobody signed in'} may not ${what} (admin only).` });
}

export function registerSignupCommands(program: Command, cli: CliContext): void {
  const signups = program.command('signups').description('self-service sign-ups, as the tenant API takes them (POST /api/signups)');

  signups
    .command('request')
    .description('make a sign-up as the website would and wait for its provisioning: a trial tenant, its invited administrator, the welcome e-mail')
    .requiredOption('--company <name>', 'company name')
    .requiredOption('--subdomain <label>', 'the tenant’s subdomain')
    .requiredOption('--email <address>', 'the first administrator’s e-mail (receives the invitation)')
    .option('--plan <code>', 'the plan the trial converts to (default: the trial plan)')
    .option('--client-address <address>', 'the address the rate limit counts it against', 'cli')
    .option(json.flags, json.description)
    .action(async (options: { company: string; subdomain: string; email: string; plan?: string; clientAddress: string; json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        await requireAdmin(session, 'make sign-ups');
        const { requestSignup } = await import('../signups/request-signup');
        const request = { company_name: options.company, subdomain: options.subdomain, admin_email: options.email, ...(options.plan ? { plan: options.plan } : {}) };
        const accepted = await requestSignup(session.core.billing, request, { clientAddress: options.clientAddress }).catch(toCliError);
        const status = await accepted.settled;
        if (options.json) cli.printJson({ ...status, status_url_path: accepted.status_url_path, created: accepted.created });
        else cli.out(`Sign-up ${status.signup_id}: ${status.status}${status.tenant_code ? ` — tenant ${status.tenant_code}` : ''}${status.message ? `. ${status.message}` : ''}\n`);
        if (status.status === 'failed') cli.exitCode = 1;
      });
    });

  signups
    .command('status')
    .description('a sign-up’s status, as its status URL answers it')
    .argument('<id>', 'the sign-up id')
    .option(json.flags, json.description)
    .action(async (id: string, options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const { signupStatus } = await import('../signups/request-signup');
        const status = await signupStatus(session.core.billing, id).catch(toCliError);
        if (options.json) cli.printJson(status);
        else cli.out(`Sign-up ${status.signup_id}: ${status.status}${status.tenant_code ? ` — tenant ${status.tenant_code}` : ''}${status.message ? `. ${status.message}` : ''}\n`);
      });
    });

  program
    .command('onboarding')
    .description('the onboarding job (for cron): stalled-trial nudges, welcome retries, interrupted sign-ups')
    .command('run')
    .description('one onboarding run now')
    .option(json.flags, json.description)
    .action(async (options: { json?: boolean }) => {
      await withCliSession(cli, async (session) => {
        const { runOnboardingJobs } = await import('../signups/run-onboarding-jobs');
        const report = await runOnboardingJobs(session.core.billing);
        await session.core.audit.record({ action: 'onboarding:runJobs', details: { trigger: 'cli', ...report }, outcome: report.errors.length > 0 ? 'INTERNAL' : 'ok' });
        if (options.json) cli.printJson(report);
        else if (!report.ran) cli.out('Onboarding: locked — another runner holds the onboarding lock; nothing done.\n');
        else
          cli.out(
            `Onboarding: ${report.nudged.length} nudged${report.nudged.length > 0 ? ` (${report.nudged.join(', ')})` : ''}, ${report.welcomesRetried} welcome${report.welcomesRetried === 1 ? '' : 's'} retried, ` +
              `${report.signupsResumed} interrupted sign-up${report.signupsResumed === 1 ? '' : 's'} settled, ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}.\n`,
          );
        if (report.errors.length > 0) cli.exitCode = 1;
      });
    });
}

/** An AppError (rate limit, validation, taken) as the CLI's one-line error with its exit code. */
function toCliError(error: unknown): never {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && error instanceof Error) throw new CliError({ code: code as never, message: error.message });
  throw error;
}
