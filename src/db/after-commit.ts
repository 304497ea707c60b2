import { EventEmitter } from 'node:events';

/** Something other processes should hear about, once the transaction that caused it commits. */
export interface CommittedEvent {
  topic: string;
  payload: Record<string, unknown>;
}

/** Where committed events go; the live module listens and publishes them on its bus. */
export class CommitEvents extends EventEmitter<{ committed: [CommittedEvent] }> {}

const queues = new WeakMap<object, CommittedEvent[]>();
const emitters = new WeakMap<object, CommitEvents>();

/**
 * Hands `event` on once `db` commits: the live bus publishes it then, so no process hears of a
 * change that rolled back, and the rows it names are readable when the signal arrives. Outside
 * a transaction the statement has already committed, so the event goes out at once; in a
 * savepoint it goes out at once too (readers go by the database's seq, never by the signal).
 */
export function emitOnCommit(db: object, event: CommittedEvent): void {
  const queue = queues.get(db);
  if (queue) queue.push(event);
  else emitters.get(db)?.emit('committed', event);
}

type Transactional = { transaction: (fn: (tx: any) => Promise<any>, config?: any) => Promise<any> };

/**
 * Wraps `db.transaction` so that events queued with emitOnCommit are emitted after COMMIT
 * succeeds and dropped when the transaction rolls back.
 */
export function deliverAfterCommit<T extends Transactional>(db: T, emitter: CommitEvents): T {
  const begin = db.transaction.bind(db);
  emitters.set(db, emitter);
  db.transaction = (async (fn: (tx: object) => Promise<unknown>, config?: unknown) => {
    const queue: CommittedEvent[] = [];
    const result = await begin(async (tx: object) => {
      queues.set(tx, queue);
      emitters.set(tx, emitter);
      return fn(tx);
    }, config);
    for (const event of queue) emitter.emit('committed', event);
    return result;
  }) as T['transaction'];
  return db;
}
