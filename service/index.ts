// The service's public entry: what main/ may import. The desktop starts the training
// service in a worker thread, so this entry names only the launcher; loading it pulls
// neither PGlite nor pg into Electron's main process (tests and the CLI use server.ts).
export {
  startEmbeddedService,
  EmbeddedServiceError,
  type EmbeddedService,
  type EmbeddedServiceOptions,
} from './embedded.js';
export { trainingHome, trainingPaths } from './training/card-registry.js';
// Checking a downloaded audit range against a signed checkpoint: pure (hashes and an
// Ed25519 signature), no store, so the desktop checks what it downloads itself.
export {
  auditExportSchema,
  checkpointSchema,
  checkpointSignatureValid,
  verifyRange,
  type AuditCheckpoint,
} from './audit/checkpoints.js';
export type { ChainEntry } from './audit/chain.js';
export { partitionOf, partitionSpan } from './audit/audit-log.js';
// Spans kept with AsyncLocalStorage (debug timing): main keeps its own with the same code.
export { createSpanKeeper, type SpanKeeper } from './http/request-timing.js';
