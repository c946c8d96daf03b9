import addressparser from 'nodemailer/lib/addressparser';
import { z } from 'zod';
import { AppError } from '../../base/app-error';

const mailbox = z.email();

/**
 * The From setting must be exactly one mailbox, `Name <box@domain>` or `box@domain`, as
 * nodemailer itself will read it: a list, a group or something that only looks like an
 * address would send mail from somewhere else, or nowhere.
 */
export function assertOneFromAddress(from: string): void {
  const parsed = addressparser(from);
  const only = parsed.length === 1 ? parsed[0]! : null;
  if (!only || !('address' in only) || !mailbox.safeParse(only.address).success) {
    throw new AppError('VALIDATION', `smtp.from: "${from.slice(0, 80)}" is not one e-mail address (e.g. Your ERP <billing@yourerp.com>).`);
  }
}
