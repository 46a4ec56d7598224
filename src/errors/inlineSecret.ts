import { GraphQLError, type ASTNode } from 'graphql';

/**
 * The refusal of a secret written into the operation's text (`secret: "…"`): operation texts are kept — automatic
 * persisted queries store them under their hash, traces and logs name them — while variables are neither stored nor
 * logged (the logger censors `secret`). The gateway's formatError turns it into BAD_USER_INPUT, HTTP 400.
 */
export function inlineSecret(node: ASTNode): GraphQLError {
  return new GraphQLError(
    'A secret must be sent as a variable without a default (secret: $secret), not written into the operation text, which persisted queries store',
    { nodes: [node] },
  );
}
