import t from 'tap';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { LiveHub, defaultHubOptions } from '../../../src/modules/live/hub.js';
import type { EventBus } from '../../../src/modules/live/bus.js';
import type { EventSource } from '../../../src/modules/live/source.js';
import type { Viewer } from '../../../src/modules/auth/session-types.js';

/** A socket whose peer never reads: bufferedAmount only grows. */
class StalledSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closed: { code: number; reason: string } | null = null;
  send(data: string) {
    this.sent.push(data);
    this.bufferedAmount += data.length;
  }
  close(code: number, reason: string) {
    this.closed = { code, reason };
    this.readyState = 3;
  }
}

const viewer: Viewer = { userId: 'u', sessionId: 's', handle: 'Dr. Test', role: 'physician', verification: 'verified', specialty: null };
const noSource = {} as EventSource;
const quietBus: EventBus = {
  processId: 'p',
  subscribe: () => {},
  onReconnect: () => {},
  start: async () => {},
  publish: async () => {},
  stop: async () => {},
};

t.test('a client that does not read is dropped once its buffer passes the bound', async (t) => {
  const hub = new LiveHub(noSource, { reply: async () => null, case: async () => null }, quietBus, console, {
    ...defaultHubOptions,
    maxBufferedBytes: 1000,
  });
  const socket = new StalledSocket();
  const connection = hub.attach(socket as unknown as WebSocket, viewer);
  let sends = 0;
  while (!socket.closed && sends < 100) {
    connection.send({ type: 'reply.created', pad: 'x'.repeat(200) });
    sends++;
  }
  t.ok(socket.closed, 'closed');
  t.equal(socket.closed?.code, 4408);
  t.match(socket.closed?.reason, /since/);
  t.ok(socket.sent.length * 200 >= 1000 && socket.sent.length < 10, 'sent until the bound, then stopped');
  t.notOk(hub.connections.has(connection), 'forgotten by the hub');
  connection.send({ type: 'after' });
  t.notOk(socket.sent.some((s) => s.includes('after')), 'nothing sent after closing');
});
