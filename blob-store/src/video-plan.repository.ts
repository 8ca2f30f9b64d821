/**
 * Each video's transcode decision (and the probe it was made from), so serving `/video` knows
 * whether to send the transcode or the original without running ffprobe again.
 *
 *   plans.set(hash, 'required', { transcode: false, reason: 'plays as is' }, probe)
 *   plans.get(hash) // { policy, transcode, reason, probe } | undefined
 */
import type { BlobHash } from '../../protocol/src/index.js';
import type { BlobDb } from './blob-db.js';
import type { TranscodePlan, TranscodePolicy, VideoProbe } from './transcode-policy.js';

export interface VideoPlan extends TranscodePlan {
  readonly policy: TranscodePolicy;
  readonly probe: VideoProbe;
}

export interface VideoPlanRepository {
  get(hash: BlobHash): VideoPlan | undefined;
  set(hash: BlobHash, policy: TranscodePolicy, plan: TranscodePlan, probe: VideoProbe): void;
}

export const createVideoPlanRepository = (db: BlobDb): VideoPlanRepository => {
  const get = db.prepare<[string], { policy: string; transcode: number; reason: string; probe: string }>('SELECT * FROM video_plans WHERE hash = ?');
  const put = db.prepare('INSERT OR REPLACE INTO video_plans (hash, policy, transcode, reason, probe) VALUES (?, ?, ?, ?, ?)');
  return {
    get: (hash) => {
      const row = get.get(hash);
      return row ? { policy: row.policy as TranscodePolicy, transcode: row.transcode === 1, reason: row.reason, probe: JSON.parse(row.probe) as VideoProbe } : undefined;
    },
    set: (hash, policy, plan, probe) => void put.run(hash, policy, plan.transcode ? 1 : 0, plan.reason, JSON.stringify(probe)),
  };
};
