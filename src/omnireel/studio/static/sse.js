// Server-sent events from a fetch() body. EventSource cannot POST or send the key header, so the Studio reads the
// stream itself: blocks end at a blank line, `:` lines are keep-alive comments, and only the `data:` JSON counts
// (its `event_id` is the resume token, as the SDK reads it).

export async function* readEvents(body, signal) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const onAbort = () => reader.cancel().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = blockEnd(buffer)) !== null) {
        const event = parseBlock(buffer.slice(0, cut.start));
        buffer = buffer.slice(cut.end);
        if (event) yield event;
      }
    }
    buffer += decoder.decode();
    const last = parseBlock(buffer);
    if (last) yield last;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    try { reader.releaseLock(); } catch { /* a read was still pending: the stream is being torn down */ }
  }
}

function blockEnd(text) {
  const match = /\r\n\r\n|\n\n|\r\r|\r\n\n|\n\r\n/.exec(text);
  return match ? { start: match.index, end: match.index + match[0].length } : null;
}

function parseBlock(block) {
  const data = [];
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
  }
  if (!data.length) return null;
  const text = data.join('\n');
  if (text === '[DONE]') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null; // a malformed block is skipped, as the SDK's lenient decoder does
  }
}
