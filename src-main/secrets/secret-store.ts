/**
 * Where the console keeps secrets (the embedded superuser password, later Stripe keys).
 * The desktop app seals them with Electron safeStorage; host mode and the CLI use a
 * mode-0600 file. Neither ever reaches the renderer.
 */
export interface SecretStore {
  readonly kind: 'file-0600' | 'electron-safe-storage';
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}
