/** Bound parameters: every value from a spec or the data reaches SQL as `$n`, never as text in it. */
export class Params {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
