import { z } from 'zod';
import type { ChannelGroup } from './channel-definition';
import { OPERATOR_ROLES } from './operator-roles';

const empty = z.object({}).strict();

/** An operator's name: lower-case letters, digits and underscores (it becomes part of a PostgreSQL role name). */
export const operatorNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'An operator name starts with a letter and holds only letters, digits and underscores (at most 40).');

export const operatorRoleSchema = z.enum(OPERATOR_ROLES);

/** A password as typed: never trimmed (spaces are part of it), bounded. */
const passwordSchema = z.string().min(1, 'Enter the password.').max(200, 'A password is at most 200 characters.');
/** A new password the operator chooses. */
export const newPasswordSchema = z.string().min(12, 'A new password is at least 12 characters.').max(200, 'A password is at most 200 characters.');

/** Who is signed in, as PostgreSQL reports it. */
export const operatorSessionSchema = z.object({
  operator: z.string(),
  role: operatorRoleSchema,
  /** The PostgreSQL login role the console connects as for this operator. */
  dbRole: z.string(),
  /** A one-time password is in use: the app asks for a new one before anything else. */
  mustChangePassword: z.boolean(),
  /** How this session began: the local operator of the embedded default, a sign-in, or TENANT_CONSOLE_OPERATOR. */
  signedInBy: z.enum(['local', 'password', 'environment', 'remembered']),
});
export type OperatorSessionInfo = z.infer<typeof operatorSessionSchema>;

export const sessionStateSchema = z.object({
  session: operatorSessionSchema.nullable(),
  /** The server the console signs in to (host:port), for the sign-in screen. */
  server: z.string(),
  platformDatabase: z.string(),
  /** This installation holds the local operator's credentials: "Continue as …" on the sign-in screen. */
  localOperator: z.string().nullable(),
  /** The desktop app can remember the password (sealed by the OS keychain). */
  canRemember: z.boolean(),
});
export type SessionState = z.infer<typeof sessionStateSchema>;

export const operatorSchema = z.object({
  name: z.string(),
  dbRole: z.string(),
  /** From PostgreSQL's role memberships, not a column: what the grants actually allow. */
  role: operatorRoleSchema.nullable(),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  lastSignInAt: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});
export type Operator = z.infer<typeof operatorSchema>;

/** An operator with the one-time password, shown once. */
export const operatorWithPasswordSchema = operatorSchema.extend({ password: z.string() });

export const operatorChannels = {
  'session:current': { input: empty, output: sessionStateSchema, mutates: false },
  'session:signIn': {
    input: z
      .object({
        operator: operatorNameSchema,
        password: passwordSchema,
        /** Keep the password sealed on this computer (desktop app only). */
        remember: z.boolean().default(false),
        /** Use this installation's local operator credentials instead of a password. */
        local: z.boolean().default(false),
      })
      .strict(),
    output: sessionStateSchema.extend({ sessionToken: z.string().optional() }),
    // Audited, failures included (the password is redacted by its key).
    mutates: true,
  },
  // Works offline and while a snapshot is under review: leaving the desk never waits on the server.
  'session:signOut': { input: empty, output: sessionStateSchema, mutates: true, localOnly: true },
  'session:changePassword': {
    input: z.object({ currentPassword: passwordSchema, newPassword: newPasswordSchema }).strict(),
    output: sessionStateSchema,
    mutates: true,
  },
  'operators:list': { input: empty, output: z.array(operatorSchema), mutates: false },
  'operators:add': { input: z.object({ name: operatorNameSchema, role: operatorRoleSchema }).strict(), output: operatorWithPasswordSchema, mutates: true },
  'operators:setRole': { input: z.object({ name: operatorNameSchema, role: operatorRoleSchema }).strict(), output: operatorSchema, mutates: true },
  'operators:disable': { input: z.object({ name: operatorNameSchema }).strict(), output: operatorSchema, mutates: true },
  'operators:enable': { input: z.object({ name: operatorNameSchema }).strict(), output: operatorSchema, mutates: true },
  'operators:resetPassword': { input: z.object({ name: operatorNameSchema }).strict(), output: operatorWithPasswordSchema, mutates: true },
} as const satisfies ChannelGroup;
