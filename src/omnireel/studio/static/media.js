// The composer's media: images (first/last frame or references) or one video to edit, each uploaded through the
// resumable Files API as soon as it is picked, and turned into content blocks that name the uploaded file's uri.

import { $, el, setText, show, clear } from './dom.js';

const MAX_IMAGES = 6;
const ROLE_NAMES = { first: 'First frame', last: 'Last frame', reference: 'Reference' };

let counter = 0;

export class Media {
  constructor(api, onChange) {
    this.api = api;
    this.onChange = onChange;
    this.images = []; // {id, file, url, role, state: uploading|ready|failed, resource, message, progress}
    this.video = null; // the same shape, without role
    this.list = $('image-list');
    this.imageInput = $('images');
    this.videoInput = $('video');
    this.imageInput.addEventListener('change', () => {
      this.addImages([...this.imageInput.files]);
      this.imageInput.value = '';
    });
    this.videoInput.addEventListener('change', () => {
      if (this.videoInput.files[0]) this.setVideo(this.videoInput.files[0]);
      this.videoInput.value = '';
    });
    $('video-remove').addEventListener('click', () => this.setVideo(null));
  }

  setEnabled(enabled) {
    this.enabled = enabled;
    this.imageInput.disabled = !enabled || !!this.video;
    this.videoInput.disabled = !enabled || this.images.length > 0;
  }

  get busy() {
    return this.images.some((i) => i.state === 'uploading') || this.video?.state === 'uploading';
  }

  get empty() {
    return !this.images.length && !this.video;
  }

  addImages(files) {
    const room = MAX_IMAGES - this.images.length;
    for (const file of files.slice(0, Math.max(room, 0))) {
      const item = { id: `img${++counter}`, file, url: URL.createObjectURL(file), role: 'first', state: 'uploading',
                     resource: null, message: '', progress: 0 };
      this.images.push(item);
      this.upload(item);
    }
    // Defaults that match what the server infers: one image starts the video, two are its first and last
    // frames, three or more are references.
    if (this.images.length <= 2) this.images.forEach((image, i) => { image.role = i === 0 ? 'first' : 'last'; });
    else this.images.forEach((image) => { image.role = 'reference'; });
    this.render();
  }

  setVideo(file) {
    if (this.video) URL.revokeObjectURL(this.video.url);
    this.video = file ? { id: `vid${++counter}`, file, url: URL.createObjectURL(file), state: 'uploading',
                          resource: null, message: '', progress: 0 } : null;
    if (this.video) this.upload(this.video);
    this.render();
  }

  removeImage(id) {
    const image = this.images.find((i) => i.id === id);
    if (image) URL.revokeObjectURL(image.url);
    this.images = this.images.filter((i) => i.id !== id);
    this.render();
  }

  clearAll() {
    for (const image of this.images) URL.revokeObjectURL(image.url);
    this.images = [];
    this.setVideo(null);
  }

  async upload(item) {
    try {
      item.resource = await this.api.upload(item.file, (fraction) => {
        item.progress = fraction;
        this.renderState(item);
      });
      item.state = 'ready';
    } catch (err) {
      item.state = 'failed';
      item.message = `${err.code || 'upload_failed'}: ${err.message}`;
    }
    this.render();
  }

  // {blocks, task} for the request, or {problem} saying what to fix.
  request() {
    if (this.busy) return { problem: 'Wait until the uploads finish.' };
    const failed = [...this.images, this.video].find((i) => i && i.state === 'failed');
    if (failed) return { problem: `Remove the file that failed to upload (${failed.file.name}).` };
    const block = (item, type) => ({ type, uri: item.resource.uri, mime_type: item.resource.mimeType });
    if (this.video) return { blocks: [block(this.video, 'video')], task: $('video-task').value };
    if (!this.images.length) return { blocks: [], task: null };
    const roles = this.images.map((i) => i.role);
    if (roles.every((r) => r === 'reference')) {
      return { blocks: this.images.map((i) => block(i, 'image')), task: 'reference_to_video' };
    }
    if (roles.includes('reference')) return { problem: 'Use the images either as first/last frames or as references, not both.' };
    const first = this.images.filter((i) => i.role === 'first');
    const last = this.images.filter((i) => i.role === 'last');
    if (first.length !== 1 || last.length > 1) {
      return { problem: 'Give exactly one image the role "First frame" (and at most one "Last frame").' };
    }
    return { blocks: [...first, ...last].map((i) => block(i, 'image')), task: 'image_to_video' };
  }

  render() {
    clear(this.list);
    this.images.forEach((image, index) => {
      const select = el('select', { id: `role-${image.id}`, on: { change: () => {
        image.role = select.value;
        this.render();
      } } }, Object.entries(ROLE_NAMES).map(([value, name]) => el('option', { value, selected: value === image.role }, name)));
      const tag = image.role === 'reference' ? `<IMAGE_REF_${index + 1}>` : (image.role === 'first' ? '<FIRST_FRAME>' : '<LAST_FRAME>');
      this.list.append(el('li', { class: 'thumb', dataset: { state: image.state, id: image.id } },
        el('img', { src: image.url, alt: `Image ${index + 1}: ${image.file.name}` }),
        el('div', { class: 'thumb-body' },
          el('p', { class: 'thumb-name' }, `${index + 1}. ${image.file.name}`),
          el('p', { class: 'help' }, `Prompt tag: ${tag}`),
          el('label', { for: select.id }, 'Role'),
          select,
          el('p', { class: 'state', id: `state-${image.id}`, 'aria-live': 'polite' }),
          el('button', { type: 'button', class: 'secondary', 'aria-label': `Remove image ${index + 1}`,
                         on: { click: () => this.removeImage(image.id) } }, 'Remove'))));
      this.renderState(image);
    });
    const video = this.video;
    show($('video-item'), !!video);
    if (video) {
      const preview = $('video-preview');
      if (preview.src !== video.url) preview.src = video.url;
      setText($('video-name'), video.file.name);
      this.renderState(video);
    } else {
      $('video-preview').removeAttribute('src');
    }
    this.setEnabled(this.enabled !== false);
    this.onChange?.();
  }

  renderState(item) {
    const node = document.getElementById(item === this.video ? 'video-state' : `state-${item.id}`);
    if (!node) return;
    if (item.state === 'uploading') setText(node, `Uploading… ${Math.round(item.progress * 100)}%`);
    else if (item.state === 'ready') setText(node, 'Uploaded');
    else setText(node, `Upload failed: ${item.message}`);
    node.dataset.state = item.state;
  }
}
