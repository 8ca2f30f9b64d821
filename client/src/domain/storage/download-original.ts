/**
 * Saves an asset's original under its original file name. The browser streams it to disk from
 * the blob store (session cookie), so a video of hundreds of MB never sits in the page's memory;
 * a HEAD request first turns "offline" or "not on the server" into an error the viewer can show.
 *
 *   const outcome = await downloadOriginal(asset)
 *   if (!outcome.ok) show(outcome.message)
 */
import type { CatalogAsset } from '../../../../protocol/src/index.js';
import { originalUrl } from './thumb-store.js';

export type DownloadOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** What a save dialog accepts as a file name: no path separators or control characters. */
export const safeFileName = (name: string): string => {
  // reason: control characters are exactly what must be stripped from a file name.
  // eslint-disable-next-line no-control-regex
  const cleaned = name.replace(/[/\\\u0000-\u001f\u007f]/g, '_').trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'photo' : cleaned;
};

export const downloadOriginal = async (asset: Pick<CatalogAsset, 'hash' | 'name'>, doc: Document = document): Promise<DownloadOutcome> => {
  const url = originalUrl(asset.hash);
  let status: number;
  try {
    status = (await fetch(url, { method: 'HEAD', credentials: 'same-origin', cache: 'no-store' })).status;
  } catch {
    return { ok: false, message: 'Download failed: the server cannot be reached (offline?).' };
  }
  if (status === 404) return { ok: false, message: 'Download failed: the original is not on the server (still uploading, or deleted).' };
  if (status === 401 || status === 403) return { ok: false, message: 'Download failed: sign in again to download this photo.' };
  if (status < 200 || status >= 300) return { ok: false, message: `Download failed: the server answered ${status}.` };
  const link = doc.createElement('a');
  link.href = url;
  link.download = safeFileName(asset.name);
  link.rel = 'noopener';
  link.style.display = 'none';
  doc.body.append(link);
  link.click();
  link.remove();
  return { ok: true };
};
