/**
 * Issues the pair login and refresh answer: a signed access token tied to a session (family) and
 * a new refresh token in that family, stored hashed with the access token's id beside it.
 *
 * @module
 */
import type { AuditActor } from "../../audit/record.ts";
import type { Queryable } from "../../stores/relational/port.ts";
import type { AccessClaims, TokenService } from "./tokens.ts";
import { hashRefreshToken, insertRefreshToken, newRefreshToken } from "./refresh_tokens.ts";

/** The OAuth2-style token answer. */
export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: "Bearer";
  /** Seconds the access token is valid. */
  expires_in: number;
}

export interface IssuedPair {
  pair: TokenPair;
  /** Id of the new refresh_tokens row. */
  refreshId: string;
  claims: AccessClaims;
}

/** Signs an access token and stores a new refresh token in family `familyId`. */
export async function issuePair(
  tx: Queryable,
  tokens: TokenService,
  input: { userId: string; familyId: string; now: Date; actor: AuditActor },
): Promise<IssuedPair> {
  const { token, claims } = await tokens.signAccess(input.userId, { sessionId: input.familyId });
  const refresh = newRefreshToken();
  const refreshId = await insertRefreshToken(tx, {
    familyId: input.familyId,
    userId: input.userId,
    tokenHash: await hashRefreshToken(refresh),
    createdAt: input.now,
    accessJti: claims.jti,
    accessExpiresAt: new Date(claims.exp * 1000),
    userAgent: input.actor.userAgent,
    ip: input.actor.ip,
  });
  return {
    pair: {
      access_token: token,
      refresh_token: refresh,
      token_type: "Bearer",
      expires_in: claims.exp - claims.iat,
    },
    refreshId,
    claims,
  };
}
