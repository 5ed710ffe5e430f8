// What the Studio keeps: the API key and this tab's interaction ids, in sessionStorage only (gone when the tab
// closes; never localStorage, cookies or the URL).

const KEY = 'omnireel.studio.key';
const HISTORY = 'omnireel.studio.history';
const MODEL = 'omnireel.studio.model';
const MAX_HISTORY = 50;

function read(name) {
  try {
    return window.sessionStorage.getItem(name);
  } catch {
    return null; // storage disabled: the Studio still works for this page view
  }
}

function write(name, value) {
  try {
    if (value === null || value === '') window.sessionStorage.removeItem(name);
    else window.sessionStorage.setItem(name, value);
  } catch {
    // storage disabled or full: nothing to keep
  }
}

export const store = {
  key: () => read(KEY) || '',
  setKey: (value) => write(KEY, value.trim()),
  model: () => read(MODEL) || '',
  setModel: (value) => write(MODEL, value),
  history() {
    try {
      const ids = JSON.parse(read(HISTORY) || '[]');
      return Array.isArray(ids) ? ids.filter((id) => typeof id === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(id)) : [];
    } catch {
      return [];
    }
  },
  addHistory(id) {
    const ids = [id, ...this.history().filter((other) => other !== id)].slice(0, MAX_HISTORY);
    write(HISTORY, JSON.stringify(ids));
  },
  removeHistory(id) {
    write(HISTORY, JSON.stringify(this.history().filter((other) => other !== id)));
  },
};
