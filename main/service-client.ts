// Moved to api/status-client.ts as createStatusClient (issue 19: beside the API client,
// named for what it is). Kept only for test/unit/service/server.test.ts, which imports
// this path and is not main's to edit: delete this file once that test imports
// createStatusClient from ../../../main/api/status-client.js.
export { createStatusClient as createServiceClient } from './api/status-client.js';
