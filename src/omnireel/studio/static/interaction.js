// Reading an Interaction resource (docs/api.md, "The Interaction resource") and turning its video into a blob.

import { ApiError, fileIdFromUri } from './api.js';

export const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'incomplete']);

export function promptOf(interaction) {
  const texts = [];
  for (const step of interaction.steps || []) {
    if (step.type !== 'user_input') continue;
    for (const block of step.content || []) if (block.type === 'text' && block.text) texts.push(block.text);
  }
  return texts.join('\n');
}

function lastOutput(interaction) {
  const steps = interaction.steps || [];
  for (let i = steps.length - 1; i >= 0; i -= 1) {
    if (steps[i].type === 'user_input') break;
    if (steps[i].type === 'model_output') return steps[i];
  }
  return null;
}

export function videoOf(interaction) {
  const blocks = lastOutput(interaction)?.content || [];
  for (let i = blocks.length - 1; i >= 0; i -= 1) if (blocks[i].type === 'video') return blocks[i];
  return null;
}

export function textOf(interaction) {
  return (lastOutput(interaction)?.content || []).filter((b) => b.type === 'text' && b.text).map((b) => b.text);
}

export function errorOf(interaction) {
  const error = (interaction.errors || [])[0];
  if (error) return { code: String(error.code || 'failed'), message: String(error.message || '') };
  const status = lastOutput(interaction)?.error;
  if (status) return { code: String(status.status || status.code || 'failed').toLowerCase(), message: String(status.message || '') };
  return null;
}

export function sourceLabel(interaction) {
  return interaction.task || interaction.generation_config?.video_config?.task || '';
}

function base64ToBlob(data, type) {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}

// Inline `data` is decoded here; a `uri` is fetched from the Files API download with the key header.
export async function videoBlob(api, block, signal) {
  if (!block) throw new ApiError('no_video', 'This interaction has no video output.');
  const type = block.mime_type || 'video/mp4';
  if (block.data) return base64ToBlob(block.data, type);
  const fileId = fileIdFromUri(block.uri);
  if (!fileId) throw new ApiError('no_video', 'The video block names no file this server can download.');
  const blob = await api.downloadFile(fileId, signal);
  return blob.type ? blob : new Blob([blob], { type });
}
