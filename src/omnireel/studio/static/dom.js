// DOM helpers. Server and user strings only ever become text nodes (textContent), never markup.

export function $(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing element #${id}`);
  return node;
}

// el('button', {type: 'button', class: 'secondary', dataset: {id}}, 'Edit')
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'on') for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function setText(node, text) {
  node.textContent = text == null ? '' : String(text);
}

export function show(node, visible = true) {
  node.hidden = !visible;
}

export function clear(node) {
  node.replaceChildren();
}

export function announce(text) {
  const region = document.getElementById('announce');
  if (region) region.textContent = String(text);
}

export function formatSeconds(seconds) {
  if (!(seconds >= 0)) return '';
  if (seconds < 1) return 'under a second';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
