// The Studio's HTTP client: only the public, documented API (docs/api.md), with the key in the x-goog-api-key
// header and never in a URL. Every path used by the Studio is written out here.

const CHUNK_BYTES = 8 * 1024 * 1024; // the SDK's chunk size; the server advertises the same granularity

export class ApiError extends Error {
  constructor(code, message, httpStatus = 0) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

// Interactions answer {error: {code: "snake_case", message, status}}; the Files API answers an int code with a
// google.rpc status name. Either way the user sees a readable code and the server's own message.
export async function errorFrom(response) {
  let code = `http_${response.status}`;
  let message = response.statusText || 'The request failed.';
  try {
    const error = (await response.json())?.error;
    if (error) {
      if (typeof error.code === 'string' && error.code) code = error.code;
      else if (typeof error.status === 'string' && error.status) code = error.status.toLowerCase();
      if (typeof error.message === 'string' && error.message) message = error.message;
    }
  } catch {
    // not JSON: keep the HTTP status
  }
  return new ApiError(code, message, response.status);
}

// A File's uri is `https://<any host>/v1beta/files/<id>`; the id is what counts (the host may be a public name).
export function fileIdFromUri(uri) {
  const match = /\/files\/([a-z0-9-]{1,64})(?:[:?#/]|$)/.exec(String(uri || ''));
  return match ? match[1] : null;
}

function seg(value) {
  return encodeURIComponent(String(value));
}

export class Api {
  constructor(getKey) {
    this.getKey = getKey;
  }

  headers(extra = {}) {
    const headers = { ...extra };
    const key = this.getKey();
    if (key) headers['x-goog-api-key'] = key;
    return headers;
  }

  async json(method, path, { body, signal, headers = {} } = {}) {
    const init = { method, headers: this.headers({ accept: 'application/json', ...headers }), signal, cache: 'no-store' };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    if (!response.ok) throw await errorFrom(response);
    return response.json();
  }

  listModels(signal) {
    return this.json('GET', '/v1beta/models', { signal });
  }

  getInteraction(id, signal) {
    return this.json('GET', '/v1beta/interactions/' + seg(id), { signal });
  }

  cancelInteraction(id) {
    return this.json('POST', '/v1beta/interactions/' + seg(id) + '/cancel');
  }

  // POST with stream: true. The idempotency key makes a re-send after a network error return the same
  // interaction (streamed from its start) instead of starting a second render.
  createStream(body, idempotencyKey, signal) {
    return this.stream('/v1beta/interactions', { ...body, stream: true }, { 'idempotency-key': idempotencyKey }, signal);
  }

  // Replays exactly the events after lastEventId, then follows live.
  resumeStream(id, lastEventId, signal) {
    const query = new URLSearchParams({ stream: 'true' });
    if (lastEventId) query.set('last_event_id', lastEventId);
    return this.stream('/v1beta/interactions/' + seg(id) + '?' + query, undefined, {}, signal);
  }

  async stream(path, body, headers, signal) {
    const init = { method: body ? 'POST' : 'GET', headers: this.headers({ accept: 'text/event-stream', ...headers }),
                   signal, cache: 'no-store' };
    if (body) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    if (!response.ok) throw await errorFrom(response);
    if (!(response.headers.get('content-type') || '').startsWith('text/event-stream') || !response.body) {
      throw new ApiError('unexpected_response', 'The server did not answer with an event stream.', response.status);
    }
    return response;
  }

  async downloadFile(fileId, signal) {
    const response = await fetch('/v1beta/files/' + seg(fileId) + ':download?alt=media',
                                 { headers: this.headers(), signal, cache: 'no-store' });
    if (!response.ok) throw await errorFrom(response);
    return response.blob();
  }

  // The resumable upload protocol (docs/api.md, Files): start with the key, then send the bytes in chunks to the
  // session URL, whose unguessable id is the credential (so chunks carry no key). Resolves to the File resource.
  async upload(file, onProgress, signal) {
    const headers = this.headers({
      'content-type': 'application/json',
      'x-goog-upload-protocol': 'resumable',
      'x-goog-upload-command': 'start',
      'x-goog-upload-header-content-length': String(file.size),
    });
    const meta = { display_name: (file.name || 'upload').slice(0, 200) };
    if (file.type) {
      headers['x-goog-upload-header-content-type'] = file.type;
      meta.mime_type = file.type;
    }
    const start = await fetch('/upload/v1beta/files', { method: 'POST', headers, body: JSON.stringify({ file: meta }),
                                                        signal, cache: 'no-store' });
    if (!start.ok) throw await errorFrom(start);
    const url = sessionPath(start.headers.get('x-goog-upload-url'));
    let offset = 0;
    for (;;) {
      const end = Math.min(offset + CHUNK_BYTES, file.size);
      const last = end >= file.size;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'x-goog-upload-command': last ? 'upload, finalize' : 'upload', 'x-goog-upload-offset': String(offset) },
        body: file.slice(offset, end),
        signal,
        cache: 'no-store',
      });
      if (!response.ok) throw await errorFrom(response);
      offset = end;
      onProgress?.(file.size ? offset / file.size : 1);
      if (last) {
        const resource = (await response.json())?.file;
        if (!resource) throw new ApiError('unexpected_response', 'The upload finished without a file resource.');
        if (resource.state === 'FAILED') {
          throw new ApiError('invalid_media', resource.error?.message || 'The server could not use this file.');
        }
        return resource;
      }
    }
  }
}

// The upload URL is absolute and may name the server's public host; the Studio only talks to its own origin
// (connect-src 'self'), which serves the same session, so keep the path and query.
function sessionPath(url) {
  if (!url) throw new ApiError('unexpected_response', 'The server did not return an upload URL.');
  const parsed = new URL(url, window.location.href);
  if (parsed.pathname !== '/upload/v1beta/files' || !parsed.searchParams.get('upload_id')) {
    throw new ApiError('unexpected_response', 'The server returned an unexpected upload URL.');
  }
  return parsed.pathname + parsed.search;
}
