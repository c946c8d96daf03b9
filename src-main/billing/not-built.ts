import { AppError } from '../core/app-error';

/** Placeholder used only while a part of billing is being built on a branch; none remains on main. */
export function notBuilt(what: string): never {
  throw new AppError('INTERNAL', `${what} is not built yet.`);
}
