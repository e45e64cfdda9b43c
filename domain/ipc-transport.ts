/**
 * The single Electron IPC channel that carries every call; the contract's channel name
 * rides inside it. Kept apart from ipc-contract.ts so the preload bundle stays free of
 * the schema library.
 */
export const ipcTransportChannel = 'contactpoint:invoke';
