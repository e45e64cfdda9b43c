// A secrets key for tests that build a service context by hand: random per run, as the
// embedded in-memory store's is (service/auth/secret-box.ts keyFor).
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../service/auth/secret-box.js';

export const testSecrets = new SecretBox(randomBytes(32));
