export * from './channels';
export * from './events';
export * from './errors';
export * from './models';
export * from './bridge';
export * from './host-protocol';
export * from './audit-models';
export * from './backup-models';
