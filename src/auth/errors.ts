/**
 * The auth refusals. Login has one answer for every failure, so it never tells whether an
 * e-mail has an account; a bad refresh token likewise never says which check failed.
 *
 * @module
 */
import { AppError } from "../errors.ts";

const CHALLENGE = { "WWW-Authenticate": 'Bearer realm="polystore"' };

/** Wrong e-mail, wrong password, unknown or disabled account: all the same 401. */
export const invalidCredentials = () =>
  new AppError(401, "invalid_credentials", "Unauthorized", {
    detail: "The email or password is incorrect",
    headers: CHALLENGE,
  });

/** Unknown, expired, revoked or reused refresh token. */
export const invalidRefreshToken = () =>
  new AppError(401, "invalid_refresh_token", "Unauthorized", {
    detail: "The refresh token is invalid, expired or revoked; sign in again",
    headers: CHALLENGE,
  });
