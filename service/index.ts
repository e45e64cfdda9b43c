// The service's public entry: what main/ may import. The desktop starts the training
// service in a worker thread, so this entry names only the launcher; loading it pulls
// neither PGlite nor pg into Electron's main process (tests and the CLI use server.ts).
export { startEmbeddedService, EmbeddedServiceError, type EmbeddedService, type EmbeddedServiceOptions } from './embedded.js';
export { trainingHome, trainingPaths } from './training/card-registry.js';
