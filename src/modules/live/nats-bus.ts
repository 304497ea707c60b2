import { connect, DeliverPolicy, DiscardPolicy, Events, nanos, StorageType, StringCodec, type JetStreamClient, type NatsConnection } from 'nats';
import { safeError } from './log-error.js';
import { BaseBus, type BusLogger } from './bus.js';

const codec = StringCodec();

/**
 * The live bus on NATS JetStream, for deployments past one database's NOTIFY. Every process
 * publishes to `<prefix>.live.<topic>` and reads the stream through its own ordered consumer
 * starting at "new": after a broker or network blip the consumer resumes where it stopped, so
 * signals sent meanwhile still arrive; on a reconnect the hub also re-reads from the database.
 * The stream is in memory and keeps a minute: it carries signals, not data.
 */
export class NatsJetStreamBus extends BaseBus {
  private connection: NatsConnection | null = null;
  private jetstream: JetStreamClient | null = null;
  private readonly subjectPrefix: string;
  private readonly stream: string;
  private stopping = false;
  private messages: { stop(): void } | null = null;

  constructor(
    private readonly servers: string,
    prefix: string,
    log: BusLogger,
  ) {
    super(log);
    this.subjectPrefix = `${prefix}.live.`;
    this.stream = `${prefix}_live`.replace(/[^A-Za-z0-9_-]/g, '_');
  }

  async start(): Promise<void> {
    const nc = await connect({ servers: this.servers, maxReconnectAttempts: -1, reconnectTimeWait: 250, name: `curbside-${this.processId}` });
    this.connection = nc;
    const manager = await nc.jetstreamManager();
    const config = {
      name: this.stream,
      subjects: [`${this.subjectPrefix}>`],
      storage: StorageType.Memory,
      max_age: nanos(60_000),
      discard: DiscardPolicy.Old,
    };
    try {
      await manager.streams.add(config);
    } catch {
      await manager.streams.update(this.stream, config);
    }
    this.jetstream = nc.jetstream();
    // The stream holds our subjects only, so the consumer needs no filter (nats-server 2.9 has no filterSubjects).
    const consumer = await this.jetstream.consumers.get(this.stream, { deliver_policy: DeliverPolicy.New });
    const messages = await consumer.consume();
    this.messages = messages;
    void (async () => {
      for await (const message of messages) {
        this.dispatch(message.subject.slice(this.subjectPrefix.length), codec.decode(message.data));
      }
    })().catch((error: unknown) => {
      if (!this.stopping) this.log.warn({ err: safeError(error) }, 'live bus consumer stopped');
    });
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === Events.Disconnect) this.log.warn({}, 'live bus connection lost');
        if (status.type === Events.Reconnect) this.reconnected();
      }
    })().catch(() => {});
  }

  async publish(topic: string, event: Record<string, unknown>): Promise<void> {
    if (!this.jetstream) return;
    try {
      await this.jetstream.publish(this.subjectPrefix + topic, codec.encode(JSON.stringify(event)), { timeout: 2000 });
    } catch (error) {
      this.log.warn({ err: safeError(error), topic }, 'live bus publish failed');
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.messages?.stop();
    const nc = this.connection;
    this.connection = null;
    this.jetstream = null;
    await nc?.drain().catch(() => nc.close());
  }
}
