// The renderer's only door to the rest of the application: the object the preload
// (or the test harness) put on window. Typed by preload's factory.
import type { ContactPointApi } from '../../preload/api.js';

declare global {
  interface Window {
    contactpoint?: ContactPointApi;
  }
}

export function getApi(): ContactPointApi {
  const api = window.contactpoint;
  if (!api) throw new Error('ContactPoint API is missing: the page was opened outside the application.');
  return api;
}
