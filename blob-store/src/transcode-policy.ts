/**
 * Immich's video transcode policies: whether a video needs an H.264/AAC MP4 to play everywhere,
 * decided from its ffprobe facts. Pure, so every policy is tested without ffmpeg.
 *
 *   const plan = planTranscode(probe, { policy: 'required', targetShortSide: 720, maxBitrateKbps: 0 })
 *   plan.transcode // false: H.264/AAC in MP4, yuv420p; plan.reason explains either way
 */

export const TranscodePolicy = {
  /** Only what browsers cannot play: other codecs or containers, or a non-4:2:0 / HDR pixel format (Immich's default). */
  required: 'required',
  /** Also anything larger than the target resolution. */
  optimal: 'optimal',
  /** Also anything above the maximum bitrate. */
  bitrate: 'bitrate',
  all: 'all',
  disabled: 'disabled',
} as const;
export type TranscodePolicy = (typeof TranscodePolicy)[keyof typeof TranscodePolicy];
export const transcodePolicies: readonly TranscodePolicy[] = Object.values(TranscodePolicy);

export interface VideoProbe {
  /** ffprobe format_name, e.g. 'mov,mp4,m4a,3gp,3g2,mj2' or 'matroska,webm'. */
  readonly formatName: string;
  readonly duration: number;
  readonly video: {
    readonly codec: string;
    readonly width: number;
    readonly height: number;
    readonly pixelFormat: string;
    /** bits per second; 0 when unknown. */
    readonly bitrate: number;
  };
  readonly audio: { readonly codec: string } | undefined;
}

export interface TranscodeSettings {
  readonly policy: TranscodePolicy;
  readonly targetShortSide: number;
  /** For the bitrate policy; 0 means no limit. */
  readonly maxBitrateKbps: number;
}

export interface TranscodePlan {
  readonly transcode: boolean;
  readonly reason: string;
}

const ACCEPTED_VIDEO = new Set(['h264']);
const ACCEPTED_AUDIO = new Set(['aac', 'mp3', 'opus']);
const ACCEPTED_PIXEL = new Set(['yuv420p', 'yuvj420p']);

/** What makes the video unplayable as is, or undefined. */
const requiredBecause = (probe: VideoProbe): string | undefined => {
  const container = probe.formatName.split(',');
  if (!container.includes('mp4') && !container.includes('mov')) return `container ${probe.formatName} is not MP4/MOV`;
  if (!ACCEPTED_VIDEO.has(probe.video.codec)) return `video codec ${probe.video.codec} is not H.264`;
  if (probe.audio && !ACCEPTED_AUDIO.has(probe.audio.codec)) return `audio codec ${probe.audio.codec} is not AAC, MP3 or Opus`;
  if (!ACCEPTED_PIXEL.has(probe.video.pixelFormat)) return `pixel format ${probe.video.pixelFormat} is not 8-bit 4:2:0`;
  return undefined;
};

export const planTranscode = (probe: VideoProbe, settings: TranscodeSettings): TranscodePlan => {
  if (settings.policy === TranscodePolicy.disabled) return { transcode: false, reason: 'policy disabled' };
  if (settings.policy === TranscodePolicy.all) return { transcode: true, reason: 'policy all' };
  const required = requiredBecause(probe);
  if (required) return { transcode: true, reason: required };
  if (settings.policy === TranscodePolicy.optimal) {
    const shortSide = Math.min(probe.video.width, probe.video.height);
    if (shortSide > settings.targetShortSide) return { transcode: true, reason: `${shortSide}p is above ${settings.targetShortSide}p` };
  }
  if (settings.policy === TranscodePolicy.bitrate && settings.maxBitrateKbps > 0 && probe.video.bitrate > settings.maxBitrateKbps * 1000) {
    return { transcode: true, reason: `${Math.round(probe.video.bitrate / 1000)} kb/s is above ${settings.maxBitrateKbps} kb/s` };
  }
  return { transcode: false, reason: 'plays as is' };
};
