import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { SessionState } from '../../src-shared/contract/operator-channels';
import type { OperatorRole } from '../../src-shared/contract/operator-roles';
import { isConnectionFailure } from '../postgres/errors';
import { AppError } from '../base/app-error';
import { LOCK_NAMESPACE, LOCK_OPERATOR_FIRST_RUN } from '../base/advisory-locks';
import type { PlatformContext } from '../platform/platform-context';
import { quoteLiteral } from '../postgres/identifiers';
import { scramSha256VerifierAsync } from '../postgres/scram';
import type { SecretStore } from '../secrets/secret-store';
import { addOperator, countOperators } from './operator-directory';
import type { OperatorSession, SignedInBy } from './operator-session';
import { signIn } from './sign-in';

interface StoredCredentials {
  readonly name: string;
  readonly password: string;
}

export interface OperatorSessionsOptions {
  readonly platform: PlatformContext;
  readonly secrets: SecretStore;
  readonly env: NodeJS.ProcessEnv;
  /** Browser sessions (host mode) end after this long without a call. */
  readonly idleMinutes: () => Promise<number>;
}

/** The local operator's name: the OS user, made into an operator name. */
export function localOperatorName(osUser = userInfo().username): string {
  const cleaned = osUser.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '');
  return (cleaned || 'operator').slice(0, 40);
}

/**
 * Who is signed in to this console. One "current" session serves the desktop window and the
 * CLI (one operator per process); host mode adds a session per browser tab, named by a
 * random token the page keeps, that ends after the idle time. The embedded default keeps
 * working out of the box: a platform with no operators yet gets an admin operator for the
 * local user, whose generated password stays in this installation's secret store.
 */
export class OperatorSessions {
  current: OperatorSession | null = null;
  /**
   * Why a stored sign-in (remembered, or the local operator's) was refused at the start —
   * disabled, password reset — so "not signed in" can say why (the CLI does).
   */
  storedSignInRefused: { readonly operator: string; readonly message: string } | null = null;
  #mustChange = new WeakMap<OperatorSession, boolean>();
  readonly #browser = new Map<string, OperatorSession>();
  readonly #options: OperatorSessionsOptions;
  readonly #keyPrefix: string;

  constructor(options: OperatorSessionsOptions) {
    this.#options = options;
    const { endpoint } = options.platform.primary;
    // The embedded server is this data folder's own, whatever port it listens on today.
    const server = endpoint.kind === 'embedded' ? 'embedded' : `${endpoint.publicHost}:${endpoint.port}`;
    this.#keyPrefix = `operator:${server}/${options.platform.platformDatabase}`;
  }

  get #ctx(): PlatformContext {
    return this.#options.platform;
  }

  async #stored(kind: 'local' | 'remembered'): Promise<StoredCredentials | null> {
    const text = await this.#options.secrets.get(`${this.#keyPrefix}:${kind}`);
    if (!text) return null;
    try {
      const parsed = JSON.parse(text) as StoredCredentials;
      return typeof parsed.name === 'string' && typeof parsed.password === 'string' ? parsed : null;
    } catch {
      return null;
    }
  }

  async #store(kind: 'local' | 'remembered', credentials: StoredCredentials | null): Promise<void> {
    const key = `${this.#keyPrefix}:${kind}`;
    if (credentials) await this.#options.secrets.set(key, JSON.stringify(credentials));
    else await this.#options.secrets.delete(key);
  }

  /**
   * The local operator's credentials, for handing to automation this installation starts
   * itself (a child `tenantctl` in the tests, with TENANT_CONSOLE_OPERATOR/PASSWORD).
   */
  async localCredentials(): Promise<StoredCredentials | null> {
    return this.#stored('local');
  }

  /** This installation's local operator, if it holds its credentials. */
  async localOperator(): Promise<string | null> {
    return (await this.#stored('local'))?.name ?? null;
  }

  /**
   * At start: TENANT_CONSOLE_OPERATOR + TENANT_CONSOLE_PASSWORD (automation; a wrong one is
   * an error), else the remembered sign-in, else the local operator, else — on a platform
   * with no operators yet — create the local admin operator. Otherwise nobody is signed in
   * and the sign-in screen (or `tenantctl login`) is next.
   */
  async startCurrent(): Promise<void> {
    const { env } = this.#options;
    if (env.TENANT_CONSOLE_OPERATOR) {
      if (!env.TENANT_CONSOLE_PASSWORD) throw new AppError('UNAUTHENTICATED', 'TENANT_CONSOLE_OPERATOR is set but TENANT_CONSOLE_PASSWORD is not.');
      this.current = await this.#signIn(env.TENANT_CONSOLE_OPERATOR.trim().toLowerCase(), env.TENANT_CONSOLE_PASSWORD, 'environment');
      return;
    }
    let localRefused = false;
    for (const kind of ['remembered', 'local'] as const) {
      const stored = await this.#stored(kind);
      if (!stored) continue;
      localRefused = kind === 'local';
      try {
        this.current = await this.#signIn(stored.name, stored.password, kind === 'local' ? 'local' : 'remembered');
        return;
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'UNAUTHENTICATED') throw error;
        this.#ctx.logger.warn({ operator: stored.name, kind }, `stored operator credentials were refused: ${error.message}`);
        this.storedSignInRefused ??= { operator: stored.name, message: error.message };
      }
    }
    // Decided under the first-run lock: a console that counted operators outside it could
    // see the one another console has just made, before that console stored its credentials.
    if (localRefused) return;
    const created = await this.#createLocalAdmin();
    if (created) this.current = await this.#signIn(created.name, created.password, 'local');
  }

  /**
   * The first console to open a platform makes its OS user the platform's first admin; a
   * console that started alongside it signs in with the credentials that one stored.
   */
  async #createLocalAdmin(): Promise<StoredCredentials | null> {
    const client = await this.#ctx.pool.connect();
    try {
      // Two consoles opening a new platform together: one creates, the other signs in after.
      await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, LOCK_OPERATOR_FIRST_RUN]);
      const stored = await this.#stored('local');
      if (stored) return stored;
      if ((await countOperators(this.#ctx.pool)) > 0) return null;
      const name = localOperatorName();
      const { password } = await addOperator(this.#ctx, { name, role: 'admin', createdBy: `first run (${userInfo().username})`, mustChangePassword: false });
      await this.#store('local', { name, password });
      this.#ctx.logger.info({ operator: name }, 'first run: created the local admin operator');
      return { name, password };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCK_OPERATOR_FIRST_RUN]).catch(() => undefined);
      client.release();
    }
  }

  async #signIn(name: string, password: string, by: SignedInBy): Promise<OperatorSession> {
    const { session, mustChangePassword } = await signIn(this.#ctx, name, password, by);
    this.#mustChange.set(session, mustChangePassword && by !== 'environment');
    return session;
  }

  /**
   * A sign-in from the sign-in screen or `tenantctl login`. For a browser (host mode) the
   * session is its own, named by the returned token; otherwise it becomes the current one.
   */
  async signIn(input: { operator: string; password: string; remember: boolean; local: boolean }, browser: boolean): Promise<{ session: OperatorSession; token?: string }> {
    let credentials: StoredCredentials = { name: input.operator, password: input.password };
    let by: SignedInBy = 'password';
    if (input.local) {
      const local = await this.#stored('local');
      if (!local) throw new AppError('UNAUTHENTICATED', 'This installation holds no local operator: sign in with a password.');
      credentials = local;
      by = 'local';
    }
    const session = await this.#signIn(credentials.name, credentials.password, by);
    if (input.remember && !input.local) await this.#store('remembered', credentials);
    if (browser) {
      const token = randomBytes(32).toString('base64url');
      this.#browser.set(token, session);
      return { session, token };
    }
    const previous = this.current;
    this.current = session;
    if (previous && previous !== session) await previous.close();
    return { session };
  }

  /**
   * `tenantctl login`: keeps a sign-in that just succeeded for later commands, in this
   * installation's secret store (for the CLI the data folder's mode-0600 file). The desktop
   * app remembers through session:signIn's `remember` instead, sealed by the OS keychain.
   */
  async remember(credentials: StoredCredentials): Promise<void> {
    await this.#store('remembered', { name: credentials.name, password: credentials.password });
  }

  /** `tenantctl logout`: forgets the remembered sign-in; returns whose it was (null: none). */
  async forgetRemembered(): Promise<string | null> {
    const stored = await this.#stored('remembered');
    // Deleted even when unreadable: nothing of a forgotten sign-in stays behind.
    await this.#store('remembered', null);
    return stored?.name ?? null;
  }

  /** The session a call runs as: a browser's own (by token), else the current one. Expired browser sessions end here. */
  async resolve(browserToken: string | null | undefined): Promise<OperatorSession | null> {
    if (!browserToken) return this.current;
    const session = this.#browser.get(browserToken);
    if (!session) return null;
    const idleMs = (await this.#options.idleMinutes()) * 60_000;
    if (Date.now() - session.lastUsedAt > idleMs) {
      this.#browser.delete(browserToken);
      await session.close();
      return null;
    }
    session.lastUsedAt = Date.now();
    return session;
  }

  async signOut(session: OperatorSession | null, browserToken: string | null | undefined, forget: boolean): Promise<void> {
    if (browserToken && this.#browser.get(browserToken) === session) {
      this.#browser.delete(browserToken);
    } else if (session && session === this.current) {
      this.current = null;
      if (forget) await this.#store('remembered', null);
    }
    await session?.close();
  }

  mustChangePassword(session: OperatorSession): boolean {
    return this.#mustChange.get(session) ?? false;
  }

  /**
   * The operator's own password change: the current password is proved to PostgreSQL by
   * connecting with it, then the role changes its own password on its own connection
   * (PostgreSQL lets any role do that), sent as a SCRAM verifier.
   */
  async changePassword(session: OperatorSession, current: string, next: string): Promise<void> {
    if (current === next) throw new AppError('VALIDATION', 'Choose a password different from the current one.');
    const proved = await signIn(this.#ctx, session.operator, current, session.signedInBy);
    await proved.session.close();
    const verifier = await scramSha256VerifierAsync(next);
    await session.pool.query(`ALTER ROLE CURRENT_USER PASSWORD ${quoteLiteral(verifier)}`);
    session.passwordChanged(next);
    await this.#ctx.pool.query('UPDATE operators SET must_change_password = false WHERE name = $1', [session.operator]);
    this.#mustChange.set(session, false);
    // Stored copies follow the change, or the next start would be refused.
    for (const kind of ['local', 'remembered'] as const) {
      const stored = await this.#stored(kind);
      if (stored?.name === session.operator) await this.#store(kind, { name: session.operator, password: next });
    }
  }

  async state(session: OperatorSession | null, canRemember: boolean): Promise<SessionState> {
    const { endpoint } = this.#ctx.primary;
    let role: OperatorRole | null = null;
    if (session && !session.closed) {
      try {
        role = await session.role();
      } catch (error) {
        // Offline: who is signed in has not changed; show the role PostgreSQL last reported.
        if (isConnectionFailure(error)) role = session.lastKnownRole;
        // PostgreSQL refuses the operator now (disabled, password reset): the session is over.
        else await this.signOut(session, null, false);
      }
    }
    return {
      session: session && role ? { operator: session.operator, role, dbRole: session.dbRole, mustChangePassword: this.mustChangePassword(session), signedInBy: session.signedInBy } : null,
      server: `${endpoint.publicHost}:${endpoint.port}`,
      platformDatabase: this.#ctx.platformDatabase,
      localOperator: await this.localOperator(),
      canRemember,
    };
  }

  /** Browser sessions of an operator whose access changed end at once (disabled, password reset). */
  async endSessionsOf(operator: string): Promise<void> {
    for (const [token, session] of this.#browser) {
      if (session.operator !== operator) continue;
      this.#browser.delete(token);
      await session.close();
    }
  }

  async close(): Promise<void> {
    const sessions = [...this.#browser.values(), ...(this.current ? [this.current] : [])];
    this.#browser.clear();
    this.current = null;
    await Promise.all(sessions.map((session) => session.close()));
  }
}
