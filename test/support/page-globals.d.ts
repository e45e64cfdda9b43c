// What the tests' code inside the page (page.evaluate) sees on window: the application's
// API, as the renderer declares it in renderer/src/api.ts. The renderer is its own
// TypeScript project, so its global declaration does not reach the tests by itself.
import type { ContactPointApi } from '../../preload/api.js';

declare global {
  interface Window {
    contactpoint?: ContactPointApi;
  }
}
