// The service's public entry: what main/ may import to embed it in training mode.
export { startService, type RunningService, type ServiceOptions } from './server.js';
export { startEmbeddedService, EmbeddedServiceError, type EmbeddedService, type EmbeddedServiceOptions } from './embedded.js';
export { trainingHome, trainingPaths } from './training/card-registry.js';
