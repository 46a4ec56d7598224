// The client package carries a generated copy of the closed set of error codes (it must not import server code;
// scripts/clientConstants.ts writes it): this checks the copy the package really exports equals the server's, so a
// code added to src/errors/ErrorCode.ts fails here until codegen has run.
import { ALL_ERROR_CODES as clientCodes, ErrorCode as clientErrorCode } from '@mlflow-supergraph/client';
import { ALL_ERROR_CODES as serverCodes, ErrorCode as serverErrorCode } from '../../../src/errors/ErrorCode.js';

describe('the client package error codes', () => {
  it("are exactly the server's closed set, in the same order", () => {
    expect(clientErrorCode).toEqual(serverErrorCode);
    expect([...clientCodes]).toEqual([...serverCodes]);
    expect(clientCodes.length).toBeGreaterThan(10);
  });
});
