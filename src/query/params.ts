/** Bound parameters: every value from a spec or the data reaches SQL as `$n`, never as text in it. */
export class Params {
  readonly values: unknown[] = [];
  /**
   * The values as the manifest records them: the same, except a source file's path, which is
   * recorded as { source: id } so that the record does not depend on where the project is.
   */
  readonly recorded: unknown[] = [];

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    this.recorded.push(value);
    return `$${this.values.length}`;
  }

  /** Adds a source file's path. */
  addSource(id: string, file: string): string {
    this.values.push(file);
    this.recorded.push({ source: id });
    return `$${this.values.length}`;
  }

  /** A copy that numbers on from these values (for a statement that repeats another's). */
  clone(): Params {
    const p = new Params();
    p.values.push(...this.values);
    p.recorded.push(...this.recorded);
    return p;
  }
}
