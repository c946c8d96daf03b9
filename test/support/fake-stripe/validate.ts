/**
 * Part of the tests' FAKE of an external service (Stripe's HTTP API). Every endpoint the
 * fake serves declares its parameters here; a request is checked before the endpoint runs,
 * the way Stripe does: an unknown parameter, a missing required one, a value of the wrong
 * kind or an enum value Stripe does not know answers 400 `invalid_request_error` with
 * `param` naming it in Stripe's bracket notation (`items[0][price]`). A parameter Stripe has
 * but the fake does not model is refused the same way — the fake never ignores what it is
 * sent, so a test can never pass on a parameter that did nothing.
 *
 * Relied on: API reference, "Errors" (docs.stripe.com/api/errors: `invalid_request_error`
 * "arise when your request has invalid parameters", with `param` "the parameter the error
 * relates to") and its error codes `parameter_unknown`, `parameter_missing`,
 * `parameter_invalid_integer` (docs.stripe.com/error-codes).
 */
import type { FormObject, FormValue } from './form-body';
import { FakeStripeError } from './state';

export type Spec =
  | { readonly kind: 'string'; readonly required?: boolean }
  | { readonly kind: 'integer'; readonly required?: boolean; readonly min?: number; readonly max?: number }
  | { readonly kind: 'boolean'; readonly required?: boolean }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly required?: boolean }
  /** A Unix timestamp, or (when `now` is set) the word `now`. */
  | { readonly kind: 'timestamp'; readonly required?: boolean; readonly now?: boolean }
  | { readonly kind: 'metadata'; readonly required?: boolean }
  | { readonly kind: 'object'; readonly fields: Schema; readonly required?: boolean }
  | { readonly kind: 'array'; readonly of: Spec; readonly required?: boolean };

export type Schema = Readonly<Record<string, Spec>>;

/** Builders, so schemas read like the API reference. */
export const p = {
  string: (): Spec => ({ kind: 'string' }),
  integer: (min?: number, max?: number): Spec => ({ kind: 'integer', ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) }),
  boolean: (): Spec => ({ kind: 'boolean' }),
  enumOf: (...values: string[]): Spec => ({ kind: 'enum', values }),
  timestamp: (options: { now?: boolean } = {}): Spec => ({ kind: 'timestamp', ...options }),
  metadata: (): Spec => ({ kind: 'metadata' }),
  object: (fields: Schema): Spec => ({ kind: 'object', fields }),
  array: (of: Spec): Spec => ({ kind: 'array', of }),
  required: (spec: Spec): Spec => ({ ...spec, required: true }),
};

/** Pagination, as every list endpoint takes it. */
export const listParams: Schema = { limit: p.integer(1, 100), starting_after: p.string(), ending_before: p.string() };

const invalid = (param: string, message: string, code?: string): FakeStripeError => new FakeStripeError(400, 'invalid_request_error', code, message, param);

const isObject = (value: FormValue | undefined): value is FormObject => value !== undefined && typeof value === 'object' && !Array.isArray(value);

/** `a` + `b` → `a[b]`. */
const child = (path: string, key: string | number): string => (path === '' ? String(key) : `${path}[${key}]`);

function checkValue(spec: Spec, value: FormValue, path: string): void {
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string') throw invalid(path, `Invalid ${path}: must be a string`);
      return;
    case 'integer': {
      if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw invalid(path, `Invalid integer: ${typeof value === 'string' ? value : 'an object'}`, 'parameter_invalid_integer');
      const n = Number(value);
      if (spec.min !== undefined && n < spec.min) throw invalid(path, `Invalid ${path}: must be greater than or equal to ${spec.min}`);
      if (spec.max !== undefined && n > spec.max) throw invalid(path, `Invalid ${path}: must be less than or equal to ${spec.max}`);
      return;
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw invalid(path, `Invalid boolean: ${typeof value === 'string' ? value : 'an object'}`);
      return;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        const options = spec.values.length > 1 ? `${spec.values.slice(0, -1).join(', ')}, or ${spec.values.at(-1)}` : spec.values[0];
        throw invalid(path, `Invalid ${path}: must be one of ${options}`);
      }
      return;
    case 'timestamp':
      if (typeof value === 'string' && (/^\d+$/.test(value) || (spec.now === true && value === 'now'))) return;
      throw invalid(path, `Invalid timestamp: must be an integer Unix timestamp${spec.now ? ' or "now"' : ''}.`);
    case 'metadata':
      // `metadata=` clears every key; `metadata[k]=` removes one key.
      if (value === '') return;
      if (!isObject(value)) throw invalid(path, `Invalid ${path}: must be an object of string values`);
      for (const [key, entry] of Object.entries(value)) {
        if (typeof entry !== 'string') throw invalid(child(path, key), `Invalid ${child(path, key)}: metadata values must be strings`);
        if (key.length > 40) throw invalid(child(path, key), `Metadata keys can have up to 40 characters.`);
        if (entry.length > 500) throw invalid(child(path, key), `Metadata values can have up to 500 characters.`);
      }
      return;
    case 'object':
      if (!isObject(value)) throw invalid(path, `Invalid ${path}: must be an object`);
      checkSchema(spec.fields, value, path);
      return;
    case 'array': {
      // Bracket notation may arrive as an array or as an object keyed by index.
      const items = Array.isArray(value) ? value : isObject(value) && Object.keys(value).every((k) => /^\d+$/.test(k)) ? Object.values(value) : null;
      if (items === null) throw invalid(path, `Invalid array: ${path}`);
      items.forEach((item, index) => checkValue(spec.of, item, child(path, index)));
      return;
    }
  }
}

function checkSchema(schema: Schema, params: FormObject, path: string): void {
  for (const key of Object.keys(params)) {
    if (!(key in schema)) throw invalid(child(path, key), `Received unknown parameter: ${child(path, key)}`, 'parameter_unknown');
  }
  for (const [key, spec] of Object.entries(schema)) {
    const value = params[key];
    if (value === undefined || (value === '' && spec.kind !== 'metadata')) {
      if (spec.required) throw invalid(child(path, key), `Missing required param: ${child(path, key)}.`, 'parameter_missing');
      if (value === '' && spec.kind !== 'string') throw invalid(child(path, key), `Invalid ${child(path, key)}: must not be empty`, 'parameter_invalid_empty');
      continue;
    }
    checkValue(spec, value, child(path, key));
  }
}

/** Throws Stripe's 400 for the first parameter that does not fit the endpoint's schema. */
export function validateParams(schema: Schema, params: FormObject): void {
  checkSchema(schema, params, '');
}

/** Marks an error as a refusal of the request's parameters: Stripe stores no idempotent result for it. */
export class ParameterError extends FakeStripeError {}

/** Runs the validation and re-labels its errors as parameter refusals. */
export function refuseBadParams(schema: Schema, params: FormObject): void {
  try {
    validateParams(schema, params);
  } catch (error) {
    if (error instanceof FakeStripeError) throw new ParameterError(error.status, error.type, error.code, error.message, error.param);
    throw error;
  }
}
