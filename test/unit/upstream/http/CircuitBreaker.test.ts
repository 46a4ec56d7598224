import { CircuitBreaker, type CircuitState } from '../../../../src/upstream/http/CircuitBreaker.js';

describe('CircuitBreaker', () => {
  let now = 0;
  const transitions: string[] = [];
  const create = (threshold = 3, cooldownMs = 1000) =>
    new CircuitBreaker({
      threshold,
      cooldownMs,
      now: () => now,
      onStateChange: (from: CircuitState, to: CircuitState) => transitions.push(`${from}->${to}`),
    });
  beforeEach(() => {
    now = 0;
    transitions.length = 0;
  });

  it('stays closed while failures are interleaved with successes', () => {
    const breaker = create();
    for (let i = 0; i < 10; i += 1) {
      breaker.failure();
      breaker.failure();
      breaker.success();
    }
    expect(breaker.state).toBe('closed');
    expect(breaker.request()).toEqual({ allowed: true, probe: false });
  });

  it('opens after `threshold` consecutive failures and refuses calls until the cooldown ends', () => {
    const breaker = create();
    breaker.failure();
    breaker.failure();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(transitions).toEqual(['closed->open']);
    now = 400;
    expect(breaker.request()).toEqual({ allowed: false, retryInMs: 600 });
    expect(breaker.rejected).toBe(1);
    expect(breaker.opened).toBe(1);
  });

  it('lets exactly one probe through after the cooldown; its success closes the circuit', () => {
    const breaker = create();
    for (let i = 0; i < 3; i += 1) breaker.failure();
    now = 1000;
    expect(breaker.state).toBe('half-open');
    const probe = breaker.request();
    expect(probe).toEqual({ allowed: true, probe: true });
    // Everyone else keeps failing fast while the probe is out.
    expect(breaker.request().allowed).toBe(false);
    breaker.success(true);
    expect(breaker.state).toBe('closed');
    expect(breaker.request()).toEqual({ allowed: true, probe: false });
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('reopens for a full cooldown when the probe fails', () => {
    const breaker = create();
    for (let i = 0; i < 3; i += 1) breaker.failure();
    now = 1500;
    expect(breaker.request()).toEqual({ allowed: true, probe: true });
    breaker.failure(true);
    expect(breaker.state).toBe('open');
    now = 2000;
    expect(breaker.request()).toEqual({ allowed: false, retryInMs: 500 });
    now = 2500;
    expect(breaker.request()).toEqual({ allowed: true, probe: true });
    expect(breaker.opened).toBe(2);
  });

  it('frees the probe slot when the probe ends without a verdict', () => {
    const breaker = create();
    for (let i = 0; i < 3; i += 1) breaker.failure();
    now = 1000;
    expect(breaker.request()).toEqual({ allowed: true, probe: true });
    breaker.neutral(true);
    expect(breaker.request()).toEqual({ allowed: true, probe: true });
  });

  it('is disabled by a threshold of 0', () => {
    const breaker = create(0);
    for (let i = 0; i < 100; i += 1) breaker.failure();
    expect(breaker.state).toBe('closed');
    expect(breaker.request().allowed).toBe(true);
  });

  it('says what it expected when misconfigured', () => {
    expect(() => new CircuitBreaker({ threshold: -1, cooldownMs: 1 })).toThrow(
      'expected threshold to be a non-negative integer, got -1',
    );
    expect(() => new CircuitBreaker({ threshold: 1, cooldownMs: 0 })).toThrow(
      'expected cooldownMs to be a positive number, got 0',
    );
  });
});
