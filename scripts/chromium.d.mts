// Types for scripts/chromium.mjs (plain JavaScript, so scripts/test.mjs runs it without a build).
export declare const CHROMIUM_ENV: 'TENANT_CONSOLE_CHROMIUM';
export declare const NO_CHROMIUM_HELP: string;
export declare function resolveChromium(env?: NodeJS.ProcessEnv, exists?: (path: string) => boolean): { path: string; source: string } | null;
