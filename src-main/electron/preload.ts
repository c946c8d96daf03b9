/**
 * Runs sandboxed, before the page, in an isolated world, and exposes exactly one object,
 * window.tenantConsole (preload-bridge.ts): this file only hands it electron's objects.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { exposeConsoleBridge } from './preload-bridge';

exposeConsoleBridge(contextBridge, ipcRenderer);
