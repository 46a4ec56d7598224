import { createLogger } from '../../../src/observability/createLogger.js';

// The logger's net under the rule that log lines are built field by field: credential-shaped keys are censored
// wherever a careless line would carry them. A webhook's signing secret is one of them.
describe('createLogger redaction', () => {
  it('censors a webhook secret at the top level and inside an input, as it does passwords and tokens', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    logger.info({ secret: 'whsec-1', input: { secret: 'whsec-2' }, variables: { input: { secret: 'whsec-3' } } }, 'x');
    logger.info({ password: 'pw', request: { token: 't' } }, 'y');
    const text = lines.join('\n');
    for (const value of ['whsec-1', 'whsec-2', 'whsec-3', '"pw"', '"t"']) expect(text).not.toContain(value);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      secret: '[REDACTED]',
      input: { secret: '[REDACTED]' },
      variables: { input: { secret: '[REDACTED]' } },
    });
  });
});
