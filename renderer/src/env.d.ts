// Vite's client types (import.meta.env, asset imports) for the renderer's TypeScript.
/// <reference types="vite/client" />
