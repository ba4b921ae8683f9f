/**
 * Turns for workers that time cases at the same time. Each party (a worker, numbered from 0)
 * awaits `turn(p)` before each piece of work it times or sets up; its turn ends when it asks for
 * the next one or says it is `done`. Turns go round the parties in order, skipping those done, so
 * the runs of two workers alternate: one thread, all threads, one thread, … — both thread counts
 * see the machine in the same minute, as `bench:compare` alternates its two sides. A party
 * between turns (receiving its next case) is waited for, never skipped.
 */
export class Turns {
  private holder: number | null = null;
  private last = -1;
  private readonly waiting = new Map<number, () => void>();
  private readonly finished = new Set<number>();

  constructor(private readonly parties: number) {
    if (!Number.isInteger(parties) || parties < 1) throw new Error(`Turns: parties must be a whole number of at least 1; got ${parties}`);
  }

  /** Resolves when it is `p`'s turn; ends `p`'s previous turn. */
  turn(p: number): Promise<void> {
    this.check(p);
    if (this.holder === p) this.holder = null;
    return new Promise((resolve) => {
      this.waiting.set(p, resolve);
      this.grant();
    });
  }

  /** `p` takes no more turns (it finished, failed or was cancelled): the others go on without it. */
  done(p: number): void {
    this.check(p);
    if (this.holder === p) this.holder = null;
    this.finished.add(p);
    this.waiting.get(p)?.();
    this.waiting.delete(p);
    this.grant();
  }

  private check(p: number): void {
    if (!Number.isInteger(p) || p < 0 || p >= this.parties) throw new Error(`Turns: party must be a whole number from 0 to ${this.parties - 1}; got ${p}`);
  }

  private grant(): void {
    if (this.holder !== null) return;
    for (let k = 1; k <= this.parties; k++) {
      const q = (this.last + k) % this.parties;
      if (this.finished.has(q)) continue;
      const resolve = this.waiting.get(q);
      // The next party in order is between turns: wait for it rather than run ahead of it.
      if (!resolve) return;
      this.waiting.delete(q);
      this.holder = q;
      this.last = q;
      resolve();
      return;
    }
  }
}
