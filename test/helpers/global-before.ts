import { startEmbeddedTestServer } from './test-server.js';

await startEmbeddedTestServer();
