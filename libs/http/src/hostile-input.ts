import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { HttpError } from './http-error';

/** JSON nested deeper than this is refused (400 json_too_deep); Vigil's own documents nest a few levels. */
export const DEFAULT_JSON_DEPTH = 64;

const PERCENT = 0x25;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/**
 * What is wrong with one part of a URL (its path or its query), or undefined: a `%` not
 * followed by two hex digits, a NUL (raw or `%00`), or bytes that are not UTF-8 once
 * percent-decoded. Node gives the request line as latin1, one character per byte, so
 * characters up to 0xFF are the bytes the client sent.
 */
export function urlPartProblem(part: string): string | undefined {
  // Fast path for the usual URL: printable ASCII, nothing encoded.
  if (/^[\x21-\x7e]*$/.test(part) && !part.includes('%')) return undefined;
  const bytes = Buffer.alloc(part.length);
  let length = 0;
  for (let i = 0; i < part.length; i++) {
    const code = part.charCodeAt(i);
    if (code === PERCENT) {
      const hex = part.slice(i + 1, i + 3);
      if (!HEX_PAIR.test(hex)) return 'has a "%" that is not followed by two hex digits';
      bytes[length++] = Number.parseInt(hex, 16);
      i += 2;
    } else if (code > 0xff) {
      return 'is not valid UTF-8';
    } else {
      bytes[length++] = code;
    }
  }
  const decoded = bytes.subarray(0, length);
  if (decoded.includes(0)) return 'contains a NUL character';
  if (!isUtf8(decoded)) return 'is not valid UTF-8';
  return undefined;
}

/**
 * Refuses a URL whose path or query holds a NUL, a broken percent-encoding or invalid
 * UTF-8, with 400 `invalid_url`, before any route sees it. Without it such a value reaches
 * the database, which refuses it with an error the client would get as a 500.
 */
export function rejectHostileUrls(): RequestHandler {
  return (req, _res, next) => {
    const url = req.originalUrl;
    const mark = url.indexOf('?');
    const path = mark === -1 ? url : url.slice(0, mark);
    const query = mark === -1 ? '' : url.slice(mark + 1);
    const pathProblem = urlPartProblem(path);
    if (pathProblem !== undefined) {
      next(new HttpError(400, 'invalid_url', `The URL path ${pathProblem}`));
      return;
    }
    const queryProblem = urlPartProblem(query);
    if (queryProblem !== undefined) {
      next(new HttpError(400, 'invalid_url', `The URL query ${queryProblem}`));
      return;
    }
    next();
  };
}

const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * What makes a JSON text unfit to parse and process, or undefined: nesting deeper than
 * `maxDepth`, or a `\u0000` in a string (PostgreSQL refuses NUL in text and jsonb). One
 * loop over the characters, no recursion, so the check itself cannot overflow the stack
 * whatever the depth; the text's syntax is left to JSON.parse.
 */
export function jsonTextProblem(text: string, maxDepth: number): HttpError | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) {
        if (text.startsWith('u0000', i + 1)) return new HttpError(400, 'invalid_json', 'JSON strings must not contain NUL (\\u0000)');
        i++; // the escaped character cannot end the string
      } else if (code === QUOTE) {
        inString = false;
      }
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      depth++;
      if (depth > maxDepth) return new HttpError(400, 'json_too_deep', `JSON is nested deeper than ${maxDepth} levels`);
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) {
      depth--;
    }
  }
  return undefined;
}

function decodeBody(body: Buffer, encoding: string): string {
  const label = encoding.toLowerCase();
  if (label === 'utf-8' || label === 'utf8') return body.toString('utf8');
  try {
    return new TextDecoder(label).decode(body);
  } catch {
    throw new HttpError(415, 'unsupported_media_type', `Request body charset ${JSON.stringify(encoding)} is not supported`);
  }
}

/**
 * express.json with a depth check on the raw text before it is parsed: deeper than
 * `depth` (default 64) is a 400 `json_too_deep` and the body is never parsed, so nothing
 * after (validation, merge-patch, storage) walks a hostile structure.
 */
export function jsonBody(options: { limit: number | string; depth?: number }): RequestHandler {
  const maxDepth = options.depth ?? DEFAULT_JSON_DEPTH;
  return express.json({
    limit: options.limit,
    strict: true,
    // body-parser aborts with the error thrown here; an HttpError keeps its own status and code.
    verify: (_req, _res, body, encoding) => {
      const problem = jsonTextProblem(decodeBody(body, encoding), maxDepth);
      if (problem !== undefined) throw problem;
    },
  });
}
