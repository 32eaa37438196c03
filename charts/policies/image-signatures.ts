/**
 * The image-signature policy: a Gatekeeper rule that asks Ratify (external data) whether each
 * image of a pod carries the platform signature. Its own rendered app, apart from the
 * gatekeeper-policies library: gator cannot compile `external_data`, so the library's gator
 * suites and conformance checks could not include it (its tests are `opa test` with a mocked
 * provider, policies/external-data/image-signatures/src_test.rego).
 */
import { RATIFY_PROVIDER } from '../../catalog/cluster-names';
import { addonExemptions, SYSTEM_EXEMPTIONS, type PolicyDefinition } from './catalog';

/** policies/external-data/<dir>/src.rego holds the rule. */
export const IMAGE_SIGNATURES_POLICY: PolicyDefinition = {
  dir: 'image-signatures',
  kind: 'PlatformImageSignatures',
  title: 'Signed images',
  blocks: 'pods with an image that carries no valid Notation signature from the platform signing certificate, or that Ratify could not verify',
  parameters: { provider: { type: 'string', description: 'the Gatekeeper external-data provider that verifies signatures' } },
  // Pods, not their controllers: what runs is what the pod names, and Ratify caches per image.
  match: [{ apiGroups: [''], kinds: ['Pod'] }],
  exemptions: [
    ...SYSTEM_EXEMPTIONS,
    ...addonExemptions('its images are upstream releases the platform does not build or sign; registry and digest rules admit them'),
  ],
  constraintParameters: () => ({ provider: RATIFY_PROVIDER }),
  sampleParameters: { provider: RATIFY_PROVIDER },
};

/** Production refuses an unsigned image; elsewhere Gatekeeper warns, so teams see it before prod. */
export function imageSignatureEnforcement(tier: 'production' | 'non-production'): 'deny' | 'warn' {
  return tier === 'production' ? 'deny' : 'warn';
}
