// At most `size` holders at once; the others wait their turn, first come first served, with no time limit.
// The runtime lets only as many updates do their database work at once as the pool has connections: the
// rest wait here, in memory, instead of in the pool's queue, whose wait has a limit (a dead database must
// fail fast) — so a thousand updates at once are slowed, not failed (issue 14).
export class Gate {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!(size >= 1)) throw new RangeError("a gate needs room for at least one");
  }

  /** Waits for a turn; the returned function ends it (once, whatever happens). */
  async enter(): Promise<() => void> {
    if (this.held < this.size) this.held++;
    else await new Promise<void>((r) => this.waiting.push(r));
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = this.waiting.shift();
      // The turn passes straight to the next in line: `held` stays as it is.
      if (next) next();
      else this.held--;
    };
  }

  /** Holders and those waiting (tests, logs). */
  get load(): { held: number; waiting: number } {
    return { held: this.held, waiting: this.waiting.length };
  }
}
