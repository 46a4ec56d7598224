import { countSearchItems } from '../../../bench/RecordingProxy.js';
import { countWaves, percentile, rotate } from '../../../bench/stats.js';

describe('countWaves', () => {
  it('puts calls that waited for nothing in one wave', () => {
    expect(countWaves([])).toBe(0);
    expect(
      countWaves([
        { start: 0, end: 10 },
        { start: 1, end: 12 },
        { start: 9, end: 15 },
      ]),
    ).toBe(1);
  });

  it('counts the longest chain of calls that started after an earlier one ended', () => {
    // experiments/search → runs/search → (model-versions/search ‖ users/get); a late parallel call joins wave 2.
    const calls = [
      { start: 0, end: 5 },
      { start: 6, end: 30 },
      { start: 7, end: 12 },
      { start: 31, end: 36 },
      { start: 31.5, end: 37 },
    ];
    expect(countWaves(calls)).toBe(3);
  });

  it('counts a call queued behind a full pool as waiting (it did wait)', () => {
    expect(
      countWaves([
        { start: 0, end: 5 },
        { start: 0, end: 5 },
        { start: 5, end: 10 },
      ]),
    ).toBe(2);
  });
});

describe('countSearchItems', () => {
  it('counts the first array of a search answer, nothing for other endpoints or error pages', () => {
    const body = Buffer.from(JSON.stringify({ runs: [{}, {}, {}], next_page_token: 'x' }));
    expect(countSearchItems('/api/2.0/mlflow/runs/search', body)).toBe(3);
    expect(countSearchItems('/api/2.0/mlflow/runs/get', body)).toBe(0);
    expect(countSearchItems('/api/2.0/mlflow/model-versions/search', Buffer.from('<html>400</html>'))).toBe(0);
    expect(countSearchItems('/api/2.0/mlflow/experiments/search', Buffer.from('{}'))).toBe(0);
  });
});

describe('percentile and rotate', () => {
  it('takes the nearest rank and rotates for interleaving', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
  });
});
