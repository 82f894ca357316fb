// @ts-check
// Building DOM nodes from data. Text always goes in as text nodes, never as HTML, so nothing
// from the API can become markup.

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {Child | ChildList} Children nested lists are flattened
 * @typedef {Array<Child | Child[] | Child[][] | Child[][][]>} ChildList
 * @typedef {Record<string, string | number | boolean | null | undefined | ((event: any) => void)>} Attributes
 */

/**
 * @param {Element} element
 * @param {Attributes} attributes
 */
function applyAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

/**
 * @param {Node} parent
 * @param {Children[]} children
 */
function append(parent, children) {
  for (const child of /** @type {Child[]} */ (children.flat(Infinity))) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/**
 * An HTML element: `h('a', { href: '/sites', class: 'nav' }, 'Sites')`. Attributes named
 * `on…` with a function are event listeners (`onclick`).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attributes} [attributes]
 * @param {...Children} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  applyAttributes(element, attributes);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * An SVG element, as h() makes HTML ones.
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Attributes} [attributes]
 * @param {...Children} children
 * @returns {SVGElementTagNameMap[K]}
 */
export function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  applyAttributes(element, attributes);
  append(element, children);
  return element;
}

/**
 * Replaces what `parent` holds. The focused element, when it has an id that the new content
 * also has, keeps the focus (a refresh must not throw a keyboard user back to the top).
 * @param {Element} parent
 * @param {...Children} children
 */
export function replaceChildren(parent, ...children) {
  const focused = document.activeElement;
  const focusedId = focused && parent.contains(focused) && focused.id ? focused.id : undefined;
  const fragment = document.createDocumentFragment();
  append(fragment, children);
  parent.replaceChildren(fragment);
  if (focusedId) /** @type {HTMLElement | null} */ (document.getElementById(focusedId))?.focus({ preventScroll: true });
}
