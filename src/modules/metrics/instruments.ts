import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Process-wide instruments other modules feed: they live on one registry per process (a
 * Prometheus target is a process), while per-app instruments (requests, pool, sockets) live on
 * the app's own registry, so two apps in one test process do not count each other.
 */
export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: 'curbside_' });

/** Observed by the PHI detector around every scan (gate and /api/phi/scan alike). */
export const phiScanSeconds = new Histogram({
  name: 'curbside_phi_scan_seconds',
  help: 'Time the PHI detector spent on one text',
  buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
  registers: [processRegistry],
});

/** Set by the mail module: messages waiting to be sent. */
export const mailQueueDepth = new Gauge({
  name: 'curbside_mail_queue_depth',
  help: 'Mail messages waiting to be sent',
  registers: [processRegistry],
});

/** Times a synchronous piece of work into a histogram and returns its result. */
export function timed<T>(histogram: Histogram, work: () => T): T {
  const end = histogram.startTimer();
  try {
    return work();
  } finally {
    end();
  }
}
