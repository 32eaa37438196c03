/**
 * The review's checkov session (cli/lib/checkov-session.ts): the caller's, or its own. Set
 * aside while worker processes synthesize a cold cache: checkov's memory on top of theirs passes
 * 1 GB at 1,000 tenants, and its import is then hidden behind the base's synthesis and the
 * render instead. A review that expects that from the start (`setAside`: an empty cache, enough
 * stacks for workers, cli/lib/cache/cold.ts) starts none until then, and ends one it was given:
 * an import ended before the workers start is CPU taken from them and from the validation.
 */
import { startCheckov, type CheckovSession } from '../checkov-session';

export class PolicySession {
  private session?: CheckovSession;
  private own = false;

  constructor(private readonly enabled: boolean, given?: CheckovSession, setAside = false, private readonly start: () => CheckovSession = startCheckov) {
    this.session = enabled ? given : undefined;
    if (setAside) this.pause();
    else if (enabled && !given) this.resume();
  }

  get current(): CheckovSession | undefined {
    return this.session;
  }

  pause(): void {
    this.session?.close();
    this.session = undefined;
  }

  resume(): void {
    if (!this.enabled || this.session) return;
    this.session = this.start();
    this.own = true;
  }

  /** Ends a session this review started; the caller closes its own. */
  close(): void {
    if (this.own) this.session?.close();
  }
}
