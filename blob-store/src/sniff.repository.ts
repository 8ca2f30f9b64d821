/**
 * Content sniffing with file-type: what a blob is, from its bytes rather than its name.
 *
 *   const early = await sniffBytes(firstChunk) // may be undefined for a short prefix
 *   const mime = await sniffFile(tempPath)     // the verdict recorded for the blob
 */
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';

/** Bytes to gather before the early verdict; file-type needs at most a few KiB for media. */
export const SNIFF_PREFIX_BYTES = 64 * 1024;

export const sniffBytes = async (bytes: Uint8Array): Promise<string | undefined> =>
  bytes.byteLength === 0 ? undefined : (await fileTypeFromBuffer(bytes))?.mime;

export const sniffFile = async (file: string): Promise<string | undefined> => (await fileTypeFromFile(file))?.mime;
