/**
 * `PUT /api/blobs/<sha256>` with upload progress. XMLHttpRequest because fetch still has
 * no upload progress events; the File streams from disk, never read into memory here.
 *
 *   const result = await putBlob({ hash, body: file, token, onProgress: (sent) => bar.value = sent });
 *   if (!result.ok) show(result.error.message)
 */
import { apiErrorFrom, type ApiError } from '../session/api-client.js';

export type PutBlobResult = { readonly ok: true; readonly created: boolean } | { readonly ok: false; readonly error: ApiError };

export interface PutBlobRequest {
  readonly hash: string;
  readonly body: Blob;
  readonly token: string | null;
  readonly onProgress?: (bytesSent: number) => void;
  readonly signal?: AbortSignal;
}

export const putBlob = (req: PutBlobRequest): Promise<PutBlobResult> =>
  new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `/api/blobs/${req.hash}`);
    if (req.token) xhr.setRequestHeader('authorization', `Bearer ${req.token}`);
    xhr.setRequestHeader('content-type', req.body.type || 'application/octet-stream');
    xhr.upload.onprogress = (event) => req.onProgress?.(event.loaded);
    xhr.onload = () => {
      if (xhr.status === 200 || xhr.status === 201) resolve({ ok: true, created: xhr.status === 201 });
      else resolve({ ok: false, error: apiErrorFrom(xhr.status, xhr.responseText) });
    };
    const networkError = (): void => resolve({ ok: false, error: apiErrorFrom(0, '') });
    xhr.onerror = networkError;
    xhr.onabort = networkError;
    xhr.ontimeout = networkError;
    req.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(req.body);
  });
