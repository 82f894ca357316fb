// @ts-check
// What a page is to the shell (main.js): a function of the route that loads its data and
// answers what to show. It is called again on every poll.

/**
 * @typedef {{
 *   params: Record<string, string>,
 *   url: URL,
 *   now: number,
 *   navigate: (path: string, options?: { replace?: boolean }) => void,
 *   refresh: () => void,
 * }} ViewContext
 * @typedef {{ title: string, content: Node }} Rendered
 * @typedef {(context: ViewContext) => Promise<Rendered>} View
 */

export {};
