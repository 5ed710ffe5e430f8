// The Studio page: the composer, the streamed run with its progress, the result player and the history panel.
// Everything it shows comes from the public API with the key the user typed; nothing is rendered as markup.

import { Api } from './api.js';
import { $, announce, formatSeconds, setText, show } from './dom.js';
import { History } from './history.js';
import { errorOf, textOf, videoBlob, videoOf } from './interaction.js';
import { Media } from './media.js';
import { runInteraction } from './run.js';
import { store } from './store.js';

const api = new Api(() => store.key());
const VERBS = { edit: 'Edit', extend: 'Extend', upscale: 'Upscale' };
const DEFAULTS = { aspect: '16:9', resolution: '720p', duration: '8' };

const ui = {
  key: $('api-key'),
  form: $('composer'),
  prompt: $('prompt'),
  model: $('model'),
  aspect: $('aspect'),
  resolution: $('resolution'),
  duration: $('duration'),
  seed: $('seed'),
  generate: $('generate'),
  progress: $('progress'),
};

let models = [];
let continueFrom = null; // {id, task}
let running = null; // {controller, id}
let output = null; // {url, name}
let formError = null;
let lastPrompt = null; // the prompt of the last request sent

const media = new Media(api, () => {});
const history = new History(api, {
  show: (interaction) => showInteraction(interaction),
  continueFrom: (interaction, task) => setContinue(interaction.id, task),
  download: (interaction) => downloadInteraction(interaction),
  announce,
});

// --- key and models -------------------------------------------------------------------------------------------

ui.key.value = store.key();
let keyTimer = null;
ui.key.addEventListener('input', () => {
  store.setKey(ui.key.value);
  clearTimeout(keyTimer);
  keyTimer = setTimeout(reloadAll, 400); // debounce typing: one models request once the key is in
});
$('key-forget').addEventListener('click', () => {
  ui.key.value = '';
  store.setKey('');
  reloadAll();
  ui.key.focus();
});

async function reloadAll() {
  await Promise.all([loadModels(), history.refreshAll()]);
}

async function loadModels() {
  const help = $('model-help');
  try {
    models = (await api.listModels()).models || [];
    setText(help, models.length ? '' : 'The server lists no models.');
  } catch (err) {
    models = [];
    setText(help, err.httpStatus === 401 ? 'Enter an API key to list the models.' : `${err.code}: ${err.message}`);
  }
  const wanted = ui.model.value || store.model();
  ui.model.replaceChildren(...models.map((m) => {
    const option = document.createElement('option');
    option.value = m.id;
    option.textContent = m.displayName && m.displayName !== m.id ? `${m.displayName} (${m.id})` : m.id;
    return option;
  }));
  if (models.some((m) => m.id === wanted)) ui.model.value = wanted;
  ui.model.disabled = models.length === 0;
  updateDurationLimit();
}

ui.model.addEventListener('change', () => {
  store.setModel(ui.model.value);
  updateDurationLimit();
});

function durationMax() {
  const model = models.find((m) => m.id === ui.model.value);
  return Number(model?.durationSeconds?.max) || 15;
}

function durationMin() {
  const model = models.find((m) => m.id === ui.model.value);
  return Number(model?.durationSeconds?.min) || 3;
}

function updateDurationLimit() {
  ui.duration.max = String(durationMax());
  ui.duration.min = String(durationMin());
  setText($('duration-max'), durationMax());
}

// --- continuing from a finished video ---------------------------------------------------------------------------

let freshSettings = null; // the size and duration chosen before continuing, restored after

function setContinue(id, task) {
  if (id && !continueFrom) {
    freshSettings = { aspect: ui.aspect.value, resolution: ui.resolution.value, duration: ui.duration.value };
  }
  continueFrom = id ? { id, task } : null;
  const keep = !!continueFrom;
  for (const select of [ui.aspect, ui.resolution]) {
    const option = select.querySelector('option.keep');
    option.hidden = !keep;
    option.disabled = !keep;
  }
  const fresh = freshSettings || DEFAULTS;
  ui.aspect.value = keep ? '' : fresh.aspect;
  ui.resolution.value = keep ? '' : fresh.resolution;
  ui.duration.value = keep ? '' : fresh.duration;
  if (!keep) freshSettings = null;
  ui.duration.placeholder = keep ? 'same as source' : '';
  media.setEnabled(!keep);
  show($('continue-banner'), keep);
  if (keep) {
    // The prompt box still holds the request just sent: it is not this turn's instruction. Text typed since stays.
    if (lastPrompt !== null && ui.prompt.value.trim() === lastPrompt) ui.prompt.value = '';
    const optional = task === 'edit' ? 'Say what to change (and what to keep).' : 'The prompt is optional.';
    setText($('continue-text'), `${VERBS[task]} the video of ${id}. ${optional}`);
    setText(ui.generate, VERBS[task]);
    ui.prompt.focus();
    ui.form.scrollIntoView({ block: 'start' });
  } else {
    setText(ui.generate, 'Generate');
  }
}
$('continue-clear').addEventListener('click', () => {
  setContinue(null);
  ui.prompt.focus();
});
setContinue(null);

// --- building and running a request ----------------------------------------------------------------------------

function showFormError(message, field) {
  if (!formError) {
    formError = document.createElement('p');
    formError.className = 'error-inline';
    formError.id = 'form-error';
    formError.setAttribute('role', 'alert');
    $('generate').parentElement.before(formError);
  }
  setText(formError, message);
  show(formError, !!message);
  if (message && field) field.focus();
}

function buildRequest() {
  const prompt = ui.prompt.value.trim();
  const picked = continueFrom ? { blocks: [], task: continueFrom.task } : media.request();
  if (picked.problem) return showFormError(picked.problem);
  if (!ui.model.value) return showFormError('No model to use: enter an API key so the Studio can list them.', ui.key);
  if (!prompt && !picked.blocks.length && !continueFrom) return showFormError('Write a prompt first.', ui.prompt);
  if (!prompt && picked.task === 'edit') return showFormError('An edit needs a prompt saying what to change.', ui.prompt);

  const format = { type: 'video', delivery: 'uri' };
  if (ui.aspect.value) format.aspect_ratio = ui.aspect.value;
  if (ui.resolution.value) format.resolution = ui.resolution.value;
  if (ui.duration.value !== '') {
    const seconds = Number(ui.duration.value);
    if (!(seconds >= durationMin() && seconds <= durationMax())) {
      return showFormError(`Duration must be ${durationMin()} to ${durationMax()} seconds.`, ui.duration);
    }
    format.duration = `${seconds}s`;
  }
  const body = { model: ui.model.value, response_format: format };
  if (picked.blocks.length) body.input = [...picked.blocks, ...(prompt ? [{ type: 'text', text: prompt }] : [])];
  else if (prompt) body.input = prompt;
  if (continueFrom) body.previous_interaction_id = continueFrom.id;
  const generation = {};
  if (ui.seed.value !== '') {
    const seed = Number(ui.seed.value);
    if (!Number.isInteger(seed) || seed < 0) return showFormError('The seed must be a whole number, 0 or more.', ui.seed);
    generation.seed = seed;
  }
  if (picked.task) generation.video_config = { task: picked.task };
  if (Object.keys(generation).length) body.generation_config = generation;
  showFormError('');
  return body;
}

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (running) return;
  const body = buildRequest();
  if (body) startRun(body, ui.prompt.value.trim());
});
ui.prompt.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    ui.form.requestSubmit();
  }
});

function setRunStatus(status) {
  const badge = $('run-status');
  setText(badge, status);
  badge.dataset.status = status;
}

function setProgress(progress) {
  const percent = Math.max(0, Math.min(100, Number(progress.percent) || 0));
  ui.progress.value = percent;
  setText(ui.progress, `${Math.round(percent)}%`);
  const parts = [progress.stage || 'working', `${Math.round(percent)}%`];
  if (progress.eta_seconds != null && percent < 100) parts.push(`about ${formatSeconds(progress.eta_seconds)} left`);
  setText($('progress-text'), parts.join(' · '));
}

function showError(code, message) {
  setText($('error-code'), code);
  setText($('error-message'), message);
  show($('error'), true);
  announce(`Failed: ${code}. ${message}`);
}

function setBusy(busy) {
  ui.generate.disabled = busy;
  ui.form.setAttribute('aria-busy', busy ? 'true' : 'false');
  show($('run-cancel'), busy);
}

async function startRun(body, prompt) {
  const controller = new AbortController();
  lastPrompt = prompt;
  running = { controller, id: null };
  setBusy(true);
  show($('run'), true);
  show($('error'), false);
  show($('output'), false);
  show($('result-empty'), false);
  setText($('run-id'), '…');
  setRunStatus('starting');
  ui.progress.value = 0;
  setText($('progress-text'), 'Sending the request…');
  const usedContinue = continueFrom;
  let result = null;
  try {
    result = await runInteraction(api, body, {
      created(id) {
        running.id = id;
        setText($('run-id'), id);
        history.live.add(id);
        history.add(id, {
          status: 'in_progress',
          model: body.model,
          created: new Date().toISOString(),
          task: body.generation_config?.video_config?.task,
          previous_interaction_id: body.previous_interaction_id,
          steps: [{ type: 'user_input', content: prompt ? [{ type: 'text', text: prompt }] : [] }],
        });
        announce(`Started ${id}.`);
      },
      status(status) {
        setRunStatus(status);
        if (running?.id) history.patch(running.id, { status });
      },
      progress(progress) {
        setProgress(progress);
        if (running?.id) history.patch(running.id, { progress });
      },
      text: (texts) => setText($('output-text'), texts.join('\n\n')),
      reconnecting: (n) => setText($('progress-text'), `Connection lost; resuming the stream (try ${n})…`),
    }, controller.signal);
  } catch (err) {
    if (err.name !== 'AbortError') showError(err.code || 'error', err.message);
    else setRunStatus('stopped watching');
  }
  const id = running.id;
  running = null;
  if (id) history.live.delete(id);
  try {
    if (result) await finish(result, usedContinue);
  } finally {
    setBusy(false);
    if (id) history.refresh(id);
  }
}

async function finish(result, usedContinue) {
  if (result.status === 'completed') {
    setProgress({ stage: 'done', percent: 100 });
    let block = result.video;
    let texts = result.texts;
    if (!block) { // a video delta the stream did not carry: read the stored interaction
      const interaction = await api.getInteraction(result.id);
      block = videoOf(interaction);
      texts = textOf(interaction);
    }
    await showVideo(block, result.id, texts);
    if (usedContinue && continueFrom === usedContinue) setContinue(null);
    announce(`Finished ${result.id}.`);
    return;
  }
  let error = result.error;
  if (!error && result.status === 'failed') {
    try {
      error = errorOf(await api.getInteraction(result.id));
    } catch {
      // keep the generic message below
    }
  }
  if (result.status === 'cancelled') showError('cancelled', `Interaction ${result.id} was cancelled.`);
  else showError(error?.code || result.status, error?.message || `Interaction ${result.id} ended as ${result.status}.`);
}

function formatBytes(bytes) {
  if (bytes < 1e6) return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

async function showVideo(block, id, texts) {
  try {
    const blob = await videoBlob(api, block);
    if (output) URL.revokeObjectURL(output.url);
    output = { url: URL.createObjectURL(blob), name: `${id}.mp4` };
    const player = $('player');
    player.src = output.url;
    player.dataset.interactionId = id;
    setText($('output-text'), (texts || []).join('\n\n'));
    setText($('output-meta'), `${id} · ${formatBytes(blob.size)}`);
    show($('output'), true);
    show($('result-empty'), false);
  } catch (err) {
    showError(err.code || 'error', err.message);
  }
}

$('run-cancel').addEventListener('click', async () => {
  if (!running) return;
  if (!running.id) {
    running.controller.abort();
    return;
  }
  try {
    await api.cancelInteraction(running.id); // the stream then ends with the cancelled status
  } catch (err) {
    showError(err.code || 'error', err.message);
  }
});

// --- history actions --------------------------------------------------------------------------------------------

async function showInteraction(interaction) {
  show($('run'), false);
  show($('error'), false);
  await showVideo(videoOf(interaction), interaction.id, textOf(interaction));
  $('player').focus();
}

function saveBlob(url, name) {
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

async function downloadInteraction(interaction) {
  try {
    const blob = await videoBlob(api, videoOf(interaction));
    const url = URL.createObjectURL(blob);
    saveBlob(url, `${interaction.id}.mp4`);
    setTimeout(() => URL.revokeObjectURL(url), 60_000); // the download has its copy long before this
  } catch (err) {
    announce(`Download failed: ${err.code}: ${err.message}`);
    showError(err.code || 'error', err.message);
  }
}

$('output-download').addEventListener('click', () => {
  if (output) saveBlob(output.url, output.name);
});

setBusy(false);
reloadAll().then(() => document.documentElement.setAttribute('data-ready', 'true'));
