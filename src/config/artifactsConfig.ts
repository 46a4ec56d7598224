// Artifact downloads through the gateway: how long a signed URL lives and where it points, whether a browser may
// use one without credentials (an `<img src>` sends none), and how many downloads one caller and the process run.

import { bool, int, url, type Env } from './env.js';

/** The artifacts part of the config. */
export interface ArtifactsConfig {
  artifacts: {
    /** Lifetime of a signed download URL in seconds (ARTIFACT_URL_TTL_SECONDS). */
    urlTtlSeconds: number;
    /**
     * The gateway's public origin download URLs start with (ARTIFACT_URL_BASE, e.g. https://graph.example.com);
     * unset: root-relative `/artifacts/...`, right for a frontend served from (or proxied through) the gateway's origin.
     */
    urlBase: string | undefined;
    /**
     * A URL fetched with no credentials at all is honoured until it expires, as a capability for that one file
     * (ARTIFACT_URL_WITHOUT_CREDENTIALS): what lets `<img src>` load it. Off: the fetch must carry the credentials
     * the URL was issued to. Either way a fetch carrying another caller's credentials is refused.
     */
    urlWithoutCredentials: boolean;
    /** Downloads one caller may have in flight (ARTIFACT_DOWNLOADS_PER_CALLER); past it, 429. */
    downloadsPerCaller: number;
    /** Downloads the process streams at once (ARTIFACT_MAX_DOWNLOADS): its own upstream connections. */
    maxDownloads: number;
    /** The largest `Artifact.text(maxBytes:)` may ask for (ARTIFACT_TEXT_MAX_BYTES): read into memory. */
    maxTextBytes: number;
  };
}

/** Reads the artifact download settings (every one has a default). */
export function artifactsConfig(env: Env): ArtifactsConfig {
  return {
    artifacts: {
      // Short: a URL is a capability for as long as it lives (README, security model).
      urlTtlSeconds: int(env, 'ARTIFACT_URL_TTL_SECONDS', 300, 10, 3600),
      urlBase: url(env, 'ARTIFACT_URL_BASE'),
      urlWithoutCredentials: bool(env, 'ARTIFACT_URL_WITHOUT_CREDENTIALS', true),
      // A browser opens at most 6 connections to one origin: a page of plots is never refused.
      downloadsPerCaller: int(env, 'ARTIFACT_DOWNLOADS_PER_CALLER', 8, 1, 1000),
      maxDownloads: int(env, 'ARTIFACT_MAX_DOWNLOADS', 64, 1, 10_000),
      maxTextBytes: int(env, 'ARTIFACT_TEXT_MAX_BYTES', 1024 * 1024, 1024, 16 * 1024 * 1024),
    },
  };
}
