import { backendProfile } from '../../../../src/upstream/profiles/BackendProfile.js';
import { LearnedCapabilities, type CapabilityLog } from '../../../../src/upstream/profiles/LearnedCapabilities.js';

/** A log that records its lines. */
function recording(): CapabilityLog & { lines: [Record<string, unknown>, string][] } {
  const lines: [Record<string, unknown>, string][] = [];
  return Object.assign((fields: Record<string, unknown>, message: string) => void lines.push([fields, message]), {
    lines,
  });
}

// What the process learns about its backend has one owner: it starts from the profile's declaration, is narrowed
// only through its method, and says so once in the log however many concurrent batches learn it.

describe('LearnedCapabilities', () => {
  it('starts from what the profile declares', () => {
    const log = recording();
    expect(new LearnedCapabilities(backendProfile('mlflow'), log).bulkInterval).toBe(true);
    expect(new LearnedCapabilities(backendProfile('gitlab'), log).bulkInterval).toBe(false);
    expect(log.lines).toEqual([]);
  });

  it('turns bulk-interval off once, and logs it once with the reason', () => {
    const log = recording();
    const learned = new LearnedCapabilities(backendProfile('mlflow'), log);
    learned.bulkIntervalUnavailable('no such endpoint');
    learned.bulkIntervalUnavailable('no such endpoint');
    expect(learned.bulkInterval).toBe(false);
    expect(log.lines).toHaveLength(1);
    const [fields, message] = log.lines[0] ?? [{}, ''];
    expect(fields).toEqual({ component: 'backend', capability: 'bulkMetricHistory', reason: 'no such endpoint' });
    expect(message).toContain('bulk-interval unavailable: no such endpoint');
  });
});

describe('LearnedCapabilities: MLflow 3 features', () => {
  it('decides by the detected version, keeps what an authenticated probe read, and learns an absence once', async () => {
    const log = recording();
    let probes = 0;
    const learned = new LearnedCapabilities(backendProfile('mlflow'), log, async () => {
      probes += 1;
      return { version: '3.11.1', serverInfo: undefined };
    });
    expect(learned.feature('loggedModels')).toBe('unknown');
    expect(await learned.decideFeature('loggedModels', 'Basic x')).toBe('yes');
    expect(await learned.decideFeature('loggedModels')).toBe('yes');
    expect(probes).toBe(1);
    // A later anonymous probe that read nothing (basic-auth) does not forget the version.
    learned.detected({ version: undefined, serverInfo: undefined });
    expect(learned.feature('prompts')).toBe('yes');
    learned.featureAbsent('loggedModels', 'no route');
    learned.featureAbsent('loggedModels', 'no route');
    expect(learned.features()).toEqual({
      loggedModels: 'no',
      prompts: 'yes',
      evaluationDatasets: 'yes',
      webhooks: 'yes',
      traces: 'yes',
    });
    expect(log.lines).toHaveLength(1);
    expect(new LearnedCapabilities(backendProfile('gitlab'), log).features()).toEqual({
      loggedModels: 'no',
      prompts: 'no',
      evaluationDatasets: 'no',
      webhooks: 'no',
      traces: 'no',
    });
  });

  it('decides webhooks from MLflow 3.3 on: a 3.0-3.2 server has logged models and prompts but no webhooks', () => {
    const at = (version: string) => {
      const learned = new LearnedCapabilities(backendProfile('mlflow'), recording());
      learned.detected({ version, serverInfo: undefined });
      return learned.features();
    };
    const all = (yes: string[], unknown: string[] = []) =>
      Object.fromEntries(
        ['loggedModels', 'prompts', 'evaluationDatasets', 'webhooks', 'traces'].map((f) => [
          f,
          yes.includes(f) ? 'yes' : unknown.includes(f) ? 'unknown' : 'no',
        ]),
      );
    expect(at('3.2.0')).toEqual(all(['loggedModels', 'prompts', 'traces']));
    expect(at('3.3.0')).toEqual(all(['loggedModels', 'prompts', 'traces', 'webhooks']));
    // Evaluation datasets from 3.4 (their REST routes came with 3.4.0).
    expect(at('3.4.0')).toEqual(all(['loggedModels', 'prompts', 'traces', 'webhooks', 'evaluationDatasets']));
    expect(at('2.12.2')).toEqual(all([]));
    // server-info proves MLflow >= 3.0 only: not enough to say 3.3 or 3.4.
    const infoOnly = new LearnedCapabilities(backendProfile('mlflow'), recording());
    infoOnly.detected({ version: undefined, serverInfo: {} });
    expect(infoOnly.features()).toEqual(all(['loggedModels', 'prompts', 'traces'], ['webhooks', 'evaluationDatasets']));
  });
});

describe('LearnedCapabilities: a server that reports no version', () => {
  it('is probed once for many gated calls, not once per call', async () => {
    let probes = 0;
    const learned = new LearnedCapabilities(backendProfile('mlflow'), recording(), async () => {
      probes += 1;
      return { version: undefined, serverInfo: undefined };
    });
    const decisions = await Promise.all(
      Array.from({ length: 5 }, () => learned.decideFeature('loggedModels', 'Basic x')),
    );
    expect(decisions).toEqual(Array(5).fill('unknown'));
    expect(await learned.decideFeature('loggedModels', 'Basic y')).toBe('unknown');
    expect(probes).toBe(1);
  });
});
