// Concurrent identical requests share upstream fetches (single flight), across requests, in one process.
import { startStack, type Stack } from '../../helpers/startStack.js';

describe('single flight across concurrent requests', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('makes the upstream calls of one request when five identical ones arrive together', async () => {
    const query = `{ experiments(first: 3) { nodes { name runs(first: 5) { nodes { id metricHistory(key: "loss") { step } } } } } }`;
    // Upstream latency makes the requests overlap, as they would in a burst of dashboard loads.
    stack.emulator.setLatency(40);
    stack.coldStart();
    const single = await stack.query(query);
    const oneRequest = stack.emulator.totalCalls();
    expect(single.errors).toBeUndefined();

    stack.coldStart();
    const answers = await Promise.all(Array.from({ length: 5 }, () => stack.query(query)));
    stack.emulator.setLatency(0);
    for (const answer of answers) expect(answer).toEqual(single);
    expect(stack.emulator.totalCalls()).toBe(oneRequest);
  });
});
