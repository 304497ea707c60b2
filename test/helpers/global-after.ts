import { stopEmbeddedTestServer } from './test-server.js';

stopEmbeddedTestServer();
