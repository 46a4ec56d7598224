// One request's questions to the custom permission service: each (object, action) is sent once per request, even
// when two resolvers need it at the same time; a caller's changed rights start a new question. Asserts the calls.
import { PermissionQuestions } from '../../../../../src/auth/backends/http/PermissionQuestions.js';
import type { Resource } from '../../../../../src/auth/Resource.js';
import { EntityCache } from '../../../../../src/cache/EntityCache.js';
import { MemoryCache } from '../../../../../src/cache/MemoryCache.js';
import type {
  PermissionServiceClient,
  WireAnswer,
  WireCheck,
} from '../../../../../src/upstream/permission-service/PermissionServiceClient.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

/** A service whose answers the test releases: every call is recorded, none answers until `answer` is called. */
function fakeService() {
  const calls: { checks: WireCheck[]; reply: ReturnType<typeof deferred<(WireAnswer | Error)[]>> }[] = [];
  let unanswered = 0;
  const sent = deferred<void>();
  const client = {
    async checkBatch(checks: readonly WireCheck[]) {
      const reply = deferred<(WireAnswer | Error)[]>();
      calls.push({ checks: [...checks], reply });
      sent.resolve();
      return reply.promise;
    },
  };
  return {
    calls,
    /** Resolves once the first call is sent. */
    sent: sent.promise,
    /** Answers the oldest unanswered call: each of its checks with `answer`. */
    answer(answer: WireAnswer) {
      const call = calls[unanswered++];
      call?.reply.resolve(call.checks.map(() => answer));
    },
    client: client as unknown as PermissionServiceClient,
  };
}

function questionsOf(service: ReturnType<typeof fakeService>) {
  return new PermissionQuestions({
    settings: { batch: true, batchMax: 50 },
    client: () => service.client,
    principal: () => ({ id: 'alice', username: 'alice', email: null }),
    cache: new EntityCache(new MemoryCache()),
    scope: () => 'pAlice',
  });
}

const experiment: Resource = { kind: 'experiment', id: '7' };

describe('PermissionQuestions: one call per question per request', () => {
  it('sends a question once when two askers need it while it is in flight', async () => {
    const service = fakeService();
    const questions = questionsOf(service);
    const knowledge = await questions.known([experiment]);
    const first = questions.ask([{ resource: experiment, action: 'read' }]);
    const second = questions.ask([
      { resource: experiment, action: 'read' },
      { resource: experiment, action: 'read' },
    ]);
    await service.sent;
    expect(service.calls).toHaveLength(1);
    service.answer({ allowed: true });
    await Promise.all([first, second]);
    expect(service.calls[0]?.checks.map((check) => check.action)).toEqual(['read']);
    expect(knowledge(experiment).answers).toEqual({ read: true });
  });

  it('asks again after the caller’s rights changed, even while the old question is in flight', async () => {
    const service = fakeService();
    const questions = questionsOf(service);
    await questions.known([experiment]);
    const before = questions.ask([{ resource: experiment, action: 'write' }]);
    await service.sent;
    await questions.forget(experiment);
    const knowledge = await questions.known([experiment]);
    const after = questions.ask([{ resource: experiment, action: 'write' }]);
    expect(service.calls).toHaveLength(2);
    service.answer({ allowed: false });
    service.answer({ allowed: true });
    await Promise.all([before, after]);
    expect(knowledge(experiment).answers.write).toBe(true);
  });
});
