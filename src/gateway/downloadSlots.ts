/** Why a download was not given a slot. */
export type SlotRefusal = 'caller' | 'process';

/** A held slot: release it once, when the download ends however it ends. */
export type Release = () => void;

/**
 * Downloads in flight, per caller and for the process: a download holds its slot for as long as it streams (minutes,
 * for a large file), so one caller may not take every upstream connection the process has (ARTIFACT_MAX_DOWNLOADS)
 * and starve the others. Refused at once rather than queued: a browser retries an image, a script gets 429/503
 * with Retry-After. In-process counts: each replica bounds its own connections.
 */
export class DownloadSlots {
  readonly #byCaller = new Map<string, number>();
  #total = 0;

  constructor(
    private readonly perCaller: number,
    private readonly perProcess: number,
  ) {}

  /** A slot for `caller` (an opaque key), or why there is none. */
  take(caller: string): Release | SlotRefusal {
    if (this.#total >= this.perProcess) return 'process';
    const held = this.#byCaller.get(caller) ?? 0;
    if (held >= this.perCaller) return 'caller';
    this.#byCaller.set(caller, held + 1);
    this.#total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total -= 1;
      const left = (this.#byCaller.get(caller) ?? 1) - 1;
      if (left > 0) this.#byCaller.set(caller, left);
      else this.#byCaller.delete(caller);
    };
  }

  /** Downloads in flight (for tests and metrics). */
  get inFlight(): number {
    return this.#total;
  }
}
