/**
 * Entra ID sign-in at the Gateway: the SecurityPolicy and the client-secret ExternalSecret of a
 * route that signs in validate against the CRDs of the pinned charts, deny by default and allow
 * only the listed groups with a token Entra ID signed for this app; every route of the catalogue
 * that asks for sign-in gets them in the rendered edge app, and its probe expects the redirect.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PLATFORM_ROUTE_LIST, PLATFORM_ROUTES, type PlatformRoute } from '../../catalog/routes';
import { HTTPS_SIGN_IN_PROBE_MODULE } from '../../catalog/cluster-names';
import { platformHostname } from '../../catalog/edge';
import { routeName } from '../../charts/edge/routes';
import { entraIssuer, gatewaySignIn, ID_TOKEN_HEADER, signInClientSecret, signInPolicy, SIGN_IN_CALLBACK_PATH, type GatewaySignIn } from '../../charts/edge/sign-in';
import { loadInputs } from '../../config/inputs';
import { schemaErrors, type KubeObject } from '../helpers/k8s-schemas';
import { ROOT } from '../helpers/tools';

type Obj = Record<string, any>;

const inputs = loadInputs();
const SIGN_IN: GatewaySignIn = {
  tenantId: '5f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
  clientId: '8a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d',
  clientSecretName: 'gateway-sign-in-client-secret',
  allowedGroupObjectIds: ['6a1f2c3d-4b5e-4f60-8a71-92b3c4d5e6f7'],
};
const ui: PlatformRoute = { ...PLATFORM_ROUTES.demo, signIn: true };
const labels = { 'app.kubernetes.io/part-of': 'platform' };

/** Why a rendered edge app does not protect a sign-in route: no policy on it, no secret behind the policy, a probe expecting a 2xx. */
export function signInProblems(edge: Obj[], routes: readonly PlatformRoute[]): string[] {
  const problems: string[] = [];
  for (const r of routes.filter((x) => x.signIn)) {
    const policy = edge.find((o) => o.kind === 'SecurityPolicy' && o.metadata.namespace === r.namespace && o.spec.targetRefs?.some((t: Obj) => t.kind === 'HTTPRoute' && t.name === routeName(r)));
    if (!policy) {
      problems.push(`${r.host}: no SecurityPolicy targets route ${routeName(r)}`);
      continue;
    }
    if (policy.spec.authorization?.defaultAction !== 'Deny') problems.push(`${r.host}: authorization does not deny by default`);
    const secret = edge.find((o) => o.kind === 'ExternalSecret' && o.metadata.namespace === r.namespace && o.spec.target.name === policy.spec.oidc.clientSecret.name);
    if (!secret?.spec.data.some((d: Obj) => d.secretKey === 'client-secret')) problems.push(`${r.host}: no ExternalSecret writes key client-secret of ${policy.spec.oidc.clientSecret.name}`);
    const probe = edge.find((o) => o.kind === 'Probe' && o.metadata.name === `route-${r.host}`);
    if (probe && probe.spec.module !== HTTPS_SIGN_IN_PROBE_MODULE) problems.push(`${r.host}: the probe expects ${probe.spec.module}, not the redirect to Entra ID`);
  }
  return problems;
}

describe('gateway sign-in: the policy of one route', () => {
  const policy = signInPolicy(ui, 'dev.ai.example.org', SIGN_IN, labels);
  const secret = signInClientSecret(ui, SIGN_IN, labels);

  it('validates against the pinned Envoy Gateway and External Secrets CRDs', async () => {
    assert.deepEqual(await schemaErrors([policy, secret] as KubeObject[]), []);
  });

  it('the schema check can fail: a misspelt OIDC field and a claim type the CRD does not know (negative control)', async () => {
    const bad = structuredClone(policy);
    bad.spec.oidc.clientSecrets = bad.spec.oidc.clientSecret;
    delete bad.spec.oidc.clientSecret;
    bad.spec.authorization.rules[0].principal.jwt.claims[0].valueType = 'Array';
    const errors = await schemaErrors([bad] as KubeObject[]);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /clientSecret/);
    assert.match(errors[0], /valueType/);
  });

  it('signs in with the app registration on the route host, verifies the ID token Entra ID signed for it and allows the listed groups only', () => {
    assert.deepEqual(policy.spec.targetRefs, [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: routeName(ui) }]);
    assert.equal(policy.metadata.namespace, ui.namespace);
    const { oidc, jwt, authorization } = policy.spec;
    assert.equal(oidc.provider.issuer, `https://login.microsoftonline.com/${SIGN_IN.tenantId}/v2.0`);
    assert.equal(oidc.clientID, SIGN_IN.clientId);
    assert.equal(oidc.redirectURL, `https://${platformHostname(ui.host, 'dev.ai.example.org')}${SIGN_IN_CALLBACK_PATH}`);
    assert.equal(oidc.clientSecret.name, secret.spec.target.name);
    assert.deepEqual(secret.spec.data, [{ secretKey: 'client-secret', remoteRef: { key: SIGN_IN.clientSecretName } }]);
    // The JWT filter reads exactly the header the OAuth2 filter writes the ID token to.
    assert.equal(oidc.forwardIDToken.header, ID_TOKEN_HEADER);
    assert.deepEqual(jwt.providers[0].extractFrom, { headers: [{ name: ID_TOKEN_HEADER }] });
    assert.equal(jwt.providers[0].issuer, entraIssuer(SIGN_IN.tenantId));
    assert.deepEqual(jwt.providers[0].audiences, [SIGN_IN.clientId]);
    assert.equal(jwt.providers[0].remoteJWKS.uri, `https://login.microsoftonline.com/${SIGN_IN.tenantId}/discovery/v2.0/keys`);
    assert.equal(authorization.defaultAction, 'Deny');
    assert.deepEqual(authorization.rules, [
      { name: 'allowed-groups', action: 'Allow', principal: { jwt: { provider: jwt.providers[0].name, claims: [{ name: 'groups', valueType: 'StringArray', values: SIGN_IN.allowedGroupObjectIds }] } } },
    ]);
  });

  it('allowed groups default to the cluster admins, and a sign-in that would admit nobody is refused', () => {
    const config = { ...SIGN_IN, allowedGroupObjectIds: [] };
    assert.deepEqual(gatewaySignIn(config, ['0c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f']).allowedGroupObjectIds, ['0c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f']);
    assert.deepEqual(gatewaySignIn(SIGN_IN, ['0c9e8d7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f']).allowedGroupObjectIds, SIGN_IN.allowedGroupObjectIds);
    assert.throws(() => signInPolicy(ui, 'dev.ai.example.org', gatewaySignIn(config, []), labels), /at least one allowed Entra ID group/);
  });
});

describe('gateway sign-in: the rendered edge apps', () => {
  const routes = PLATFORM_ROUTE_LIST;
  for (const env of inputs.allEnvironments) {
    const file = join(ROOT, 'rendered', env.name, 'edge', 'manifests.yaml');
    const edge: Obj[] = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);

    it(`${env.name}: every route that signs in has its policy, client secret and redirect probe; no other route has a policy`, () => {
      assert.deepEqual(signInProblems(edge, routes), []);
      const protectedRoutes = edge.filter((o) => o.kind === 'SecurityPolicy').map((o) => o.spec.targetRefs[0].name).sort();
      assert.deepEqual(protectedRoutes, routes.filter((r) => r.signIn).map(routeName).sort());
    });
  }

  it('the check can fail: a sign-in route without a policy, without its secret, with a 2xx probe or allowing by default (negative controls)', () => {
    const policy = signInPolicy(ui, 'dev.ai.example.org', SIGN_IN, labels);
    const secret = signInClientSecret(ui, SIGN_IN, labels);
    const probe = { kind: 'Probe', metadata: { name: `route-${ui.host}` }, spec: { module: HTTPS_SIGN_IN_PROBE_MODULE } };
    assert.deepEqual(signInProblems([policy, secret, probe], [ui]), []);
    assert.match(signInProblems([secret, probe], [ui]).join(), /no SecurityPolicy targets/);
    assert.match(signInProblems([policy, probe], [ui]).join(), /no ExternalSecret writes key client-secret/);
    assert.match(signInProblems([policy, secret, { ...probe, spec: { module: 'https_2xx' } }], [ui]).join(), /probe expects https_2xx/);
    const open = structuredClone(policy);
    open.spec.authorization.defaultAction = 'Allow';
    assert.match(signInProblems([open, secret, probe], [ui]).join(), /does not deny by default/);
  });
});
