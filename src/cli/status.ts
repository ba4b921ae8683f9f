/** Status lines on stderr (kept free of tfjs so that usage errors print fast). */
export const isTty = Boolean(process.stderr.isTTY);

/** Overwritten in place on a terminal, one line per call otherwise. */
export class StatusLine {
  private live = false;
  /** A transient line (shown only on a terminal). */
  update(text: string): void {
    if (!isTty) return;
    process.stderr.write(`\r\x1b[2K${text}`);
    this.live = true;
  }
  /** A line that stays. */
  log(text: string): void {
    if (this.live) process.stderr.write('\r\x1b[2K');
    this.live = false;
    process.stderr.write(text + '\n');
  }
  done(): void {
    if (this.live) process.stderr.write('\r\x1b[2K');
    this.live = false;
  }
}

export const status = new StatusLine();
