// The globals the domain may use: the few that every runtime it runs in has (Node, the
// Electron renderer, worker threads), declared here as narrowly as the domain uses them,
// because the domain's project has neither the DOM's types nor Node's. Anything else,
// such as `process`, `window` or `document`, does not compile in domain/.
declare global {
  /** The monotonic clock (Node's perf_hooks and the browser's High Resolution Time). */
  var performance: { now(): number };
  function setTimeout(callback: () => void, ms?: number): unknown;
  /** The WHATWG URL parser, as both runtimes provide it. */
  class URL {
    constructor(input: string, base?: string);
    readonly protocol: string;
    readonly host: string;
    readonly hostname: string;
    readonly port: string;
    readonly pathname: string;
    readonly search: string;
    readonly href: string;
    readonly origin: string;
  }
}
export {};
