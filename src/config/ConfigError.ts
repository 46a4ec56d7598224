/** Thrown at start-up for an invalid variable: names it and says what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
