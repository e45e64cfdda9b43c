// Runs in Electron's sandboxed preload: exposes the API object and nothing else.
// The renderer never sees ipcRenderer.
import { contextBridge, ipcRenderer } from 'electron';
import { ipcTransportChannel } from '../domain/ipc-transport.js';
import { apiGlobalName, createApi } from './api.js';

contextBridge.exposeInMainWorld(
  apiGlobalName,
  createApi((channel, payload) => ipcRenderer.invoke(ipcTransportChannel, channel, payload)),
);
