// The history panel: this tab's interactions (ids in sessionStorage), each fetched with GET and shown with the
// actions that make sense for its state: continue a finished video (edit, extend, upscale), download it, or
// cancel one that is still running.

import { $, el, show, clear, formatSeconds } from './dom.js';
import { TERMINAL, errorOf, promptOf, sourceLabel, textOf, videoOf } from './interaction.js';
import { store } from './store.js';

const POLL_MS = 2000;

export class History {
  constructor(api, actions) {
    this.api = api;
    this.actions = actions; // {show(interaction), continueFrom(interaction, task), download(interaction), announce(text)}
    this.items = new Map(); // id -> interaction | {id, missing: ApiError}
    this.live = new Set(); // ids whose progress arrives by stream (not polled)
    this.list = $('history-list');
    this.timer = null;
    $('history-refresh').addEventListener('click', () => this.refreshAll());
  }

  async refreshAll() {
    const ids = store.history();
    await Promise.all(ids.map((id) => this.load(id)));
    this.render();
  }

  async load(id) {
    try {
      this.items.set(id, await this.api.getInteraction(id));
    } catch (err) {
      this.items.set(id, { id, missing: err });
    }
  }

  // A new interaction, shown at once from what the Studio sent (the stream then fills in its state).
  add(id, placeholder = {}) {
    store.addHistory(id);
    if (!this.items.has(id)) this.items.set(id, { steps: [], ...placeholder, id, status: placeholder.status || 'queued' });
    this.render();
  }

  // Live updates (status, progress) from the stream: only that card is rebuilt.
  patch(id, fields) {
    const item = this.items.get(id);
    if (!item || item.missing) return;
    Object.assign(item, fields);
    const old = [...this.list.children].find((c) => c.dataset.interactionId === id);
    if (!old) return;
    if (old.contains(document.activeElement)) {
      this.render(); // keeps focus where it was
      return;
    }
    old.replaceWith(this.card(item));
  }

  update(interaction) {
    this.items.set(interaction.id, interaction);
    this.render();
  }

  async refresh(id) {
    await this.load(id);
    this.render();
    return this.items.get(id);
  }

  render() {
    // Cards are rebuilt on every update; keep keyboard focus (and open details) where the user left them.
    const focused = document.activeElement?.closest?.('#history-list [data-interaction-id]') ? {
      id: document.activeElement.closest('[data-interaction-id]').dataset.interactionId,
      action: document.activeElement.dataset.action || null,
    } : null;
    const open = new Set([...this.list.querySelectorAll('details[open]')].map(
      (d) => d.closest('[data-interaction-id]')?.dataset.interactionId));
    const ids = store.history();
    clear(this.list);
    show($('history-empty'), ids.length === 0);
    for (const id of ids) {
      const card = this.card(this.items.get(id) || { id, status: 'loading', steps: [] });
      if (open.has(id)) card.querySelector('details')?.setAttribute('open', '');
      this.list.append(card);
    }
    if (focused) {
      const card = [...this.list.children].find((c) => c.dataset.interactionId === focused.id);
      const target = card && (focused.action ? card.querySelector(`[data-action="${focused.action}"]`) : null);
      (target || card?.querySelector('button') || $('history-refresh')).focus();
    }
    this.schedulePoll();
  }

  schedulePoll() {
    const pending = store.history().filter((id) => {
      const item = this.items.get(id);
      return item && !item.missing && !TERMINAL.has(item.status) && !this.live.has(id);
    });
    if (pending.length && !this.timer) {
      this.timer = setTimeout(async () => {
        this.timer = null;
        await Promise.all(pending.map((id) => this.load(id)));
        this.render();
      }, POLL_MS);
    }
  }

  card(item) {
    const id = item.id;
    if (item.missing) {
      return el('li', { class: 'card', dataset: { interactionId: id, status: 'missing' } },
        el('p', { class: 'card-head' }, el('code', {}, id)),
        el('p', { class: 'error-inline' }, `${item.missing.code}: ${item.missing.message}`),
        el('div', { class: 'card-actions' }, button('Remove', `Remove ${id} from the list`, () => {
          store.removeHistory(id);
          this.items.delete(id);
          this.render();
        })));
    }
    const status = item.status || 'unknown';
    const prompt = promptOf(item);
    const task = sourceLabel(item);
    const meta = [task, item.model, item.created && new Date(item.created).toLocaleTimeString()].filter(Boolean).join(' · ');
    const body = [
      el('p', { class: 'card-head' }, el('span', { class: 'badge', dataset: { status } }, status), ' ', el('code', {}, id)),
      el('p', { class: 'card-prompt' }, prompt || (task ? `(${task}, no prompt)` : '(no prompt)')),
      el('p', { class: 'help' }, meta),
    ];
    if (item.previous_interaction_id) {
      body.push(el('p', { class: 'help' }, 'continues ', el('code', {}, item.previous_interaction_id)));
    }
    if (item.progress && !TERMINAL.has(status)) {
      const p = item.progress;
      body.push(el('p', { class: 'help' }, `${p.stage || 'working'} · ${Math.round(p.percent || 0)}%` +
                                         (p.eta_seconds != null ? ` · about ${formatSeconds(p.eta_seconds)} left` : '')));
    }
    const error = status === 'failed' ? errorOf(item) : null;
    if (error) body.push(el('p', { class: 'error-inline' }, el('code', {}, error.code), ' ', error.message));
    const texts = textOf(item);
    if (texts.length) {
      body.push(el('details', {}, el('summary', {}, 'Output text'), el('pre', { class: 'plan' }, texts.join('\n\n'))));
    }

    const actions = [];
    if (status === 'completed' && videoOf(item)) {
      actions.push(
        button('Show', `Show the video of ${id}`, () => this.actions.show(item), 'show'),
        button('Edit', `Edit the video of ${id}`, () => this.actions.continueFrom(item, 'edit'), 'edit'),
        button('Extend', `Extend the video of ${id}`, () => this.actions.continueFrom(item, 'extend'), 'extend'),
        button('Upscale', `Upscale the video of ${id}`, () => this.actions.continueFrom(item, 'upscale'), 'upscale'),
        button('Download', `Download the video of ${id}`, () => this.actions.download(item), 'download'),
      );
    }
    if (!TERMINAL.has(status) && status !== 'loading') {
      actions.push(button('Cancel', `Cancel ${id}`, async () => {
        try {
          this.update(await this.api.cancelInteraction(id));
          this.actions.announce(`Cancelled ${id}.`);
        } catch (err) {
          this.actions.announce(`Could not cancel ${id}: ${err.code}: ${err.message}`);
        }
      }, 'cancel'));
    }
    return el('li', { class: 'card', dataset: { interactionId: id, status } }, body,
      actions.length ? el('div', { class: 'card-actions' }, actions) : null);
  }
}

function button(label, ariaLabel, onClick, action) {
  return el('button', { type: 'button', class: 'secondary', 'aria-label': ariaLabel, dataset: action ? { action } : {},
                        on: { click: onClick } }, label);
}
