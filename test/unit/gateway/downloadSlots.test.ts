import { DownloadSlots } from '../../../src/gateway/downloadSlots.js';

describe('DownloadSlots', () => {
  it('bounds each caller and the process, and frees a slot once however often it is released', () => {
    const slots = new DownloadSlots(2, 3);
    const a1 = slots.take('a');
    const a2 = slots.take('a');
    expect(slots.take('a')).toBe('caller');
    const b1 = slots.take('b');
    expect(slots.take('c')).toBe('process');
    expect(slots.inFlight).toBe(3);
    if (typeof a1 !== 'function' || typeof a2 !== 'function' || typeof b1 !== 'function') throw new Error('no slot');
    a1();
    a1();
    expect(slots.inFlight).toBe(2);
    expect(typeof slots.take('c')).toBe('function');
    expect(slots.take('a')).toBe('process');
    a2();
    b1();
    expect(slots.inFlight).toBe(1);
  });
});
