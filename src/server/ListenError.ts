/** The server could not listen (port in use, unknown HOST, no permission): the operator's to fix, not a crash. */
export class ListenError extends Error {
  override readonly name = 'ListenError';

  /** The failure of `server.listen(port, host)` in the operator's terms: what is wrong and which setting to change. */
  static from(error: NodeJS.ErrnoException, host: string, port: number): ListenError {
    const where = `${host}:${port}`;
    switch (error.code) {
      case 'EADDRINUSE':
        return new ListenError(`cannot listen on ${where}: the port is already in use (set PORT to a free port)`);
      case 'EADDRNOTAVAIL':
        return new ListenError(`cannot listen on ${where}: HOST "${host}" is not an address of this machine`);
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return new ListenError(`cannot listen on ${where}: HOST "${host}" does not resolve to an address`);
      case 'EACCES':
        return new ListenError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges)`);
      default:
        return new ListenError(`cannot listen on ${where}: ${error.code ?? error.message}`);
    }
  }
}
