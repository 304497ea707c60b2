import type { DbOrTx } from '../../db/client.js';
import type { LoadedPayload } from '../live/payloads.js';
import { presentNotification } from './presenters.js';
import { listBatchViews } from './repo.js';

/**
 * A batch of notifications (one event's) reaches each recipient's sockets on every process as
 * `{"type":"notification","notification":{…}}`; rows are read once per process.
 */
export function notificationBatchLoader(db: DbOrTx) {
  return async (batch: string): Promise<LoadedPayload> => {
    const rows = await listBatchViews(db, batch);
    const byUser = new Map(rows.map((row) => [row.userId, row]));
    return {
      forViewer(viewer) {
        const row = byUser.get(viewer.userId);
        return row ? { type: 'notification', notification: presentNotification(row, viewer) } : null;
      },
    };
  };
}
