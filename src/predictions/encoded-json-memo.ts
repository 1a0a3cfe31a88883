/**
 * The UTF-8 bytes of recently served cached predictions. A string response is encoded into a new
 * buffer on every send: for a prediction of a few kilobytes, most of what a cache hit allocates,
 * and so most of its garbage collection under load. A hot entry is encoded once. Keyed by the
 * cache entry, checked against its stored value (a replaced entry is encoded afresh) and bounded:
 * the oldest entries are dropped first.
 */
export class EncodedJsonMemo {
  private readonly entries = new Map<string, { value: string; bytes: Buffer }>();

  constructor(private readonly capacity: number) {}

  /** The bytes of `value` from character `from` on (an ASCII prefix, such as the entity tag). */
  bytesOf(key: string, value: string, from: number): Buffer {
    const entry = this.entries.get(key);
    // The memory cache hands back the very string it stored: an identity check, no comparison.
    if (entry?.value === value) return entry.bytes;
    if (entry) this.entries.delete(key);
    else if (this.entries.size >= this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    const bytes = Buffer.from(value.slice(from), 'utf8');
    this.entries.set(key, { value, bytes });
    return bytes;
  }
}
