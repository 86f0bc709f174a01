import { readFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { createSchemaValidator, startTwinServer, testdataPath, type TwinServer } from '../kit/index.js';

/**
 * Google's OIDC side of Pub/Sub push authentication, twinned: a JWKS endpoint (`/oauth2/v3/certs`) and a signer
 * that issues the tokens a push subscription sends (`iss` accounts.google.com, `aud`, `email`, `email_verified`).
 * https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions
 */
export interface GoogleOidcTwin {
  jwksUrl: string;
  /** A token signed with the published key; claims override the defaults. */
  sign(claims: JWTPayload & { email?: string; email_verified?: boolean }, expiresInSec?: number): Promise<string>;
  /** A token of the same shape signed with a key Google never published. */
  forge(claims: JWTPayload): Promise<string>;
  server: TwinServer;
  close(): Promise<void>;
}

export async function startGoogleOidcTwin(): Promise<GoogleOidcTwin> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'twin-key-1', alg: 'RS256', use: 'sig' };
  const server = await startTwinServer({
    routes: [{ method: 'GET', pattern: '/oauth2/v3/certs', name: 'certs', handler: () => ({ body: { keys: [jwk] } }) }],
  });
  const issue = (key: CryptoKey, claims: JWTPayload, expiresInSec: number): Promise<string> =>
    new SignJWT({ iss: 'https://accounts.google.com', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'twin-key-1', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime(`${expiresInSec}s`)
      .sign(key);
  return {
    jwksUrl: `${server.url}/oauth2/v3/certs`,
    sign: (claims, expiresInSec = 3600) => issue(privateKey, claims, expiresInSec),
    forge: (claims) => issue(other.privateKey, claims, 3600),
    server,
    close: () => server.close(),
  };
}

/** Validates a push body against Google's MessagePublishedData schema (testdata/specs/google/pubsub). */
export function pubsubBodyProblems(body: unknown): string[] {
  const schema = JSON.parse(
    readFileSync(testdataPath('specs', 'google', 'pubsub', 'MessagePublishedData.schema.json'), 'utf8'),
  );
  delete schema.$schema;
  return createSchemaValidator(schema).validate('#/definitions/MessagePublishedData', body);
}
