import { AnswerLifetime, duringCachedFetch, inCachedFetch } from '../../../src/cache/AnswerLifetime.js';

describe('AnswerLifetime', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('keeps nothing built from nothing with a lifetime (nothing to save)', () => {
    expect(new AnswerLifetime(clock).seconds(60)).toBe(0);
  });

  it('is the shortest lifetime observed, at most the cap', () => {
    const lifetime = new AnswerLifetime(clock);
    lifetime.observe(300);
    expect(lifetime.seconds(60)).toBe(60);
    lifetime.observe(5);
    lifetime.observe(3600);
    expect(lifetime.seconds(60)).toBe(5);
  });

  it('ends when something fetched earlier ends, not a whole lifetime after it was read', () => {
    const lifetime = new AnswerLifetime(clock);
    lifetime.observe(300);
    // A permission profile fetched 8 s ago with a 10 s lifetime: 2 s are left.
    lifetime.observeUntil(now - 8_000 + 10_000);
    expect(lifetime.seconds(60)).toBe(2);
    now += 2_500;
    expect(lifetime.seconds(60)).toBe(0);
  });

  it('keeps nothing once refused, whatever else was observed', () => {
    const lifetime = new AnswerLifetime(clock);
    lifetime.observe(300);
    lifetime.refuse('GET /api/2.0/mlflow/registered-models/get is read uncached');
    lifetime.refuse('a second reason');
    expect(lifetime.seconds(60)).toBe(0);
    expect(lifetime.refusal).toBe('GET /api/2.0/mlflow/registered-models/get is read uncached');
  });
});

describe('duringCachedFetch', () => {
  it('marks the fetch and what it awaits, and nothing outside it', async () => {
    expect(inCachedFetch()).toBe(false);
    const seen = await duringCachedFetch(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return inCachedFetch();
    });
    expect(seen).toBe(true);
    expect(inCachedFetch()).toBe(false);
  });
});
