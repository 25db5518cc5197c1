// An office's own authorization server for setup B, as a standard,
// certified product: node oidc-provider (OpenID Certified), configured for
// client_credentials with private_key_jwt, WIPO DAS registered as a client
// from its certificate's public key, and JWT access tokens (RFC 9068) of
// scope das-api/office-exchange for the office's API (the resource).
//
// Environment: PORT, TLS_CERT and TLS_KEY (PEM files to serve HTTPS with),
// DAS_CERT (DAS's certificate PEM), DAS_CLIENT_ID, RESOURCE (the office's
// API root, the tokens' aud). The issuer is https://127.0.0.1:PORT.
// Installed by .ci/run: npm install oidc-provider@9.13.3 (see package.json).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const env = (name) => {
  const v = process.env[name];
  if (!v) { console.error(`server.mjs: ${name} is required`); process.exit(2); }
  return v;
};
const port = Number(env('PORT'));
const issuer = `https://127.0.0.1:${port}`;
const resource = env('RESOURCE');
const scope = 'das-api/office-exchange';

const dasKey = new X509Certificate(readFileSync(env('DAS_CERT'))).publicKey.export({ format: 'jwk' });
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signing = { ...privateKey.export({ format: 'jwk' }), kid: 'office-as-1', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: env('DAS_CLIENT_ID'),
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope,
    jwks: { keys: [{ ...dasKey, alg: 'ES256', use: 'sig' }] },
  }],
  jwks: { keys: [signing] },
  scopes: [scope],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope, audience: resource, accessTokenTTL: 3600,
        accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
    },
  },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));
provider.on('grant.error', (ctx, err) => console.error('grant.error', err.message, err.error_description));

const server = createServer({ cert: readFileSync(env('TLS_CERT')), key: readFileSync(env('TLS_KEY')) }, provider.callback());
server.listen(port, '127.0.0.1', () => console.log(`oidc-provider ${issuer} ready`));
