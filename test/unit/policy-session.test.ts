/**
 * The review's checkov session (cli/lib/review/policy-session.ts): started at once, or set aside
 * until worker processes have synthesized a cold cache, and then started once. A session the
 * caller gave is ended when set aside; one the review started is ended by the review.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckovSession } from '../../cli/lib/checkov-session';
import { PolicySession } from '../../cli/lib/review/policy-session';

/** Sessions that only record being started and closed. */
function sessions() {
  const made: { closed: number }[] = [];
  const make = (): CheckovSession => {
    const s = { closed: 0 };
    made.push(s);
    return { pid: undefined, ready: Promise.resolve(), run: () => Promise.reject(new Error('not run here')), close: () => void s.closed++ };
  };
  return { made, make };
}

describe("the review's checkov session", () => {
  it('set aside from the start: none starts until resumed, then one', () => {
    const { made, make } = sessions();
    const policy = new PolicySession(true, undefined, true, make);
    assert.equal(made.length, 0);
    assert.equal(policy.current, undefined);
    policy.resume();
    policy.resume();
    assert.equal(made.length, 1, 'resumed twice, started once');
    assert.ok(policy.current);
    policy.close();
    assert.equal(made[0].closed, 1, 'the review ends the session it started');
  });

  it('not set aside: started at once (negative control)', () => {
    const { made, make } = sessions();
    const policy = new PolicySession(true, undefined, false, make);
    assert.equal(made.length, 1);
    policy.pause();
    assert.equal(made[0].closed, 1, 'paused: ended');
    policy.resume();
    assert.equal(made.length, 2, 'resumed: started again');
  });

  it('a session the caller gave: used as it is, ended when set aside, never started twice', () => {
    const { made, make } = sessions();
    const given = make();
    const kept = new PolicySession(true, given, false, make);
    assert.equal(kept.current, given);
    kept.close();
    assert.equal(made[0].closed, 0, 'the caller closes its own');
    const setAside = new PolicySession(true, given, true, make);
    assert.equal(made[0].closed, 1, 'set aside: its import would only take CPU from the workers');
    assert.equal(setAside.current, undefined);
    assert.equal(made.length, 1, 'nothing started until resumed');
  });

  it('without the policy checks: nothing starts, even when resumed', () => {
    const { made, make } = sessions();
    const policy = new PolicySession(false, undefined, false, make);
    policy.resume();
    assert.equal(made.length, 0);
    assert.equal(policy.current, undefined);
  });
});
