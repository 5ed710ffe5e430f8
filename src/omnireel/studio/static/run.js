// One streamed generation: POST with stream: true, read the events, and when the connection drops resume with
// GET ...?stream=true&last_event_id=<the last event seen>, which replays exactly what was missed.

import { ApiError } from './api.js';
import { readEvents } from './sse.js';

const MAX_RECONNECTS = 6;
const CREATE_RETRIES = 2;

function seqOf(eventId) {
  const match = /^evt_(\d+)$/.exec(String(eventId || ''));
  return match ? Number(match[1]) : 0;
}

function wait(ms, signal) {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DOMException('aborted', 'AbortError'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function randomKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return 'studio-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const isNetworkError = (err) => err instanceof TypeError;

// hooks: created(id), status(status), progress({stage, percent, eta_seconds}), text(texts), reconnecting(n).
// Resolves to {id, status, video, texts, error, usage}; rejects with ApiError when the request is refused.
export async function runInteraction(api, body, hooks, signal) {
  const state = { id: null, status: 'queued', video: null, texts: [], error: null, usage: null, done: false };
  let last = { seq: 0, id: null };
  const idempotencyKey = randomKey();

  let response = null;
  for (let attempt = 0; ; attempt += 1) {
    try {
      response = await api.createStream(body, idempotencyKey, signal);
      break;
    } catch (err) {
      if (!isNetworkError(err) || attempt >= CREATE_RETRIES || signal?.aborted) throw err;
      await wait(500 * 2 ** attempt, signal);
    }
  }

  let drops = 0;
  for (;;) {
    if (response) {
      try {
        for await (const event of readEvents(response.body, signal)) {
          const seq = seqOf(event.event_id);
          if (seq && seq <= last.seq) continue; // already applied before a reconnect
          if (seq) last = { seq, id: event.event_id };
          drops = 0;
          apply(state, event, hooks);
          if (state.done) return state;
        }
      } catch (err) {
        if (signal?.aborted) throw err;
        // the connection dropped mid-stream: resume below
      }
    }
    if (state.done) return state;
    if (!state.id) {
      throw new ApiError('stream_lost', 'The connection dropped before the server named the interaction.');
    }
    drops += 1;
    if (drops > MAX_RECONNECTS) {
      throw new ApiError('stream_lost', `Lost the connection to the server. Interaction ${state.id} may still be ` +
                                        'running: refresh the history to see it.');
    }
    hooks.reconnecting?.(drops);
    await wait(Math.min(250 * 2 ** (drops - 1), 8000), signal);
    try {
      response = await api.resumeStream(state.id, last.id, signal);
    } catch (err) {
      if (signal?.aborted || !(isNetworkError(err) || (err instanceof ApiError && err.httpStatus >= 500))) throw err;
      response = null;
    }
  }
}

function apply(state, event, hooks) {
  switch (event.event_type) {
    case 'interaction.created':
      state.id = event.interaction?.id || state.id;
      state.status = event.interaction?.status || state.status;
      hooks.created?.(state.id);
      hooks.status?.(state.status);
      break;
    case 'interaction.status_update':
      state.status = event.status || state.status;
      hooks.status?.(state.status);
      if (event.progress) hooks.progress?.(event.progress);
      break;
    case 'step.delta':
      if (event.delta?.type === 'video') state.video = event.delta;
      else if (event.delta?.type === 'text' && event.delta.text) {
        state.texts.push(event.delta.text);
        hooks.text?.(state.texts);
      }
      break;
    case 'error':
      state.error = { code: String(event.error?.code || 'error'), message: String(event.error?.message || '') };
      break;
    case 'interaction.completed':
      state.status = event.interaction?.status || 'completed';
      state.usage = event.interaction?.usage || null;
      state.done = true;
      hooks.status?.(state.status);
      break;
    default:
      break; // step.start / step.stop and unknown events carry nothing the Studio shows
  }
}
