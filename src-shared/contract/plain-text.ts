import { z } from 'zod';
import { hasInvisibleOrControl } from '../domain/text';

/**
 * Settings text that ends up in e-mail headers, PDFs and other people's screens, held to the
 * domain's free-text rule (no control characters — CR/LF header injection — no bidi overrides,
 * no invisible characters). Multi-line fields (a postal address) allow line breaks only.
 */
export const singleLineText = (what: string) =>
  z.string().refine((value) => !hasInvisibleOrControl(value), `${what} may not contain control characters, line breaks or invisible characters.`);

export const multiLineText = (what: string) =>
  z.string().refine((value) => value.split(/\r?\n/).every((line) => !hasInvisibleOrControl(line)), `${what} may not contain control characters or invisible characters.`);
