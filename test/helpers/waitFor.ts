// Tests wait for a state, never for a fixed time: poll the condition, with a deadline that only guards a failing run.

/** Polls `condition` (errors count as "not yet") until it holds; throws after `timeoutMs` naming what it awaited. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
