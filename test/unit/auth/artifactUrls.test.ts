import { signArtifactUrl, verifyArtifactUrl, type ArtifactUrlClaims } from '../../../src/auth/artifactUrls.js';
import { deriveServerKeys } from '../../../src/auth/serverKeys.js';

const keys = deriveServerKeys('k'.repeat(32));
const NOW = 1_700_000_000_000;
const claims: ArtifactUrlClaims = {
  root: { kind: 'run', id: 'a1b2c3' },
  experimentId: '7',
  path: 'plots/loss curve #1?.png',
  expires: NOW / 1000 + 300,
};
const ALICE = 'credential:Basic YWxpY2U6YWxpY2UtcHc=';
const BOB = 'credential:Basic Ym9iOmJvYi1wdw==';
const fetchAs = (identity: string | undefined, extra: Partial<{ now: number; withoutCredentials: boolean }> = {}) => ({
  identity,
  now: NOW,
  withoutCredentials: true,
  ...extra,
});

describe('signed artifact URLs', () => {
  const url = signArtifactUrl(keys, ALICE, claims);

  it('round-trips the claims for the caller they were issued to, names and all', () => {
    expect(url.startsWith('/artifacts/v1/run/a1b2c3/plots/loss%20curve%20%231%3F.png?')).toBe(true);
    expect(verifyArtifactUrl(keys, url, fetchAs(ALICE))).toEqual({ ok: true, claims, as: 'caller' });
    expect(signArtifactUrl(keys, ALICE, claims, 'https://graph.example.com')).toMatch(
      /^https:\/\/graph\.example\.com\/artifacts\/v1\//,
    );
  });

  it('never carries the credential, and binds each URL differently', () => {
    expect(url).not.toContain('YWxpY2U');
    const later = signArtifactUrl(keys, ALICE, { ...claims, expires: claims.expires + 1 });
    expect(new URL(later, 'http://x').searchParams.get('caller')).not.toBe(
      new URL(url, 'http://x').searchParams.get('caller'),
    );
  });

  it('refuses another caller (403), whatever else is right', () => {
    expect(verifyArtifactUrl(keys, url, fetchAs(BOB))).toMatchObject({
      ok: false,
      status: 403,
      reason: expect.stringContaining('another caller'),
    });
  });

  it('refuses an expired URL, with credentials or without', () => {
    const late = NOW + 301_000;
    expect(verifyArtifactUrl(keys, url, fetchAs(ALICE, { now: late }))).toMatchObject({
      ok: false,
      status: 403,
      reason: expect.stringContaining('expired'),
    });
    expect(verifyArtifactUrl(keys, url, fetchAs(undefined, { now: late }))).toMatchObject({ ok: false, status: 403 });
  });

  it.each([
    ['another path', (u: string) => u.replace('loss%20curve', 'loss%20curvf')],
    ['another root', (u: string) => u.replace('a1b2c3', 'a1b2c4')],
    ['another experiment', (u: string) => u.replace('experiment=7', 'experiment=8')],
    ['a later expiry', (u: string) => u.replace(/expires=\d+/, `expires=${NOW / 1000 + 99_999}`)],
    ['another caller binding', (u: string) => u.replace(/caller=[^&]+/, 'caller=AAAAAAAAAAAAAAAAAAAAAA')],
    ['a flipped signature', (u: string) => u.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`)],
    ['no signature', (u: string) => u.replace(/&sig=[^&]+/, '')],
  ])('refuses a URL with %s (403)', (_, tamper) => {
    expect(verifyArtifactUrl(keys, tamper(url), fetchAs(ALICE))).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a URL signed under another secret', () => {
    const other = signArtifactUrl(deriveServerKeys('o'.repeat(32)), ALICE, claims);
    expect(verifyArtifactUrl(keys, other, fetchAs(ALICE))).toMatchObject({ ok: false, status: 403 });
  });

  it('without credentials: a capability until expiry, or 401 when ARTIFACT_URL_WITHOUT_CREDENTIALS is off', () => {
    expect(verifyArtifactUrl(keys, url, fetchAs(undefined))).toEqual({ ok: true, claims, as: 'bearer' });
    expect(verifyArtifactUrl(keys, url, fetchAs(undefined, { withoutCredentials: false }))).toMatchObject({
      ok: false,
      status: 401,
    });
    // An anonymous caller's own URL needs no capability mode.
    const anonymous = signArtifactUrl(keys, 'anonymous', claims);
    expect(verifyArtifactUrl(keys, anonymous, fetchAs(undefined, { withoutCredentials: false }))).toEqual({
      ok: true,
      claims,
      as: 'caller',
    });
    // ... but a signed-in caller cannot use it as theirs.
    expect(verifyArtifactUrl(keys, anonymous, fetchAs(ALICE))).toMatchObject({ ok: false, status: 403 });
  });

  it.each([
    '/artifacts/v1/run/a1b2c3/..%2F..%2Fsecret',
    '/artifacts/v1/run/a1b2c3/plots/%2e%2e/%2e%2e/x',
    '/artifacts/v1/run/a1b2c3/plots/%252e%252e/x',
    '/artifacts/v1/run/a1b2c3/plots%5c..%5cx',
    '/artifacts/v1/run/a1b2c3/%00',
    '/artifacts/v1/run/a1b2c3//etc/passwd',
    '/artifacts/v1/run/a1b2c3/%E0%A4%A',
    '/artifacts/v1/run/..%2F/x',
  ])('refuses %s before looking at the signature (400)', (path) => {
    expect(verifyArtifactUrl(keys, `${path}?expires=1&caller=x&sig=y`, fetchAs(ALICE))).toMatchObject({
      ok: false,
      status: 400,
    });
  });

  it('answers 404 for what is no artifact URL', () => {
    expect(verifyArtifactUrl(keys, '/artifacts/v1/experiment/1/x', fetchAs(ALICE))).toMatchObject({ status: 404 });
    expect(verifyArtifactUrl(keys, '/artifacts/v2/run/1/x', fetchAs(ALICE))).toMatchObject({ status: 404 });
  });
});
