/**
 * Names the image-signing chain shares across boundaries: the service pipeline signs with the
 * Key Vault key of this certificate (docs/supply-chain.md), Ratify trusts the same certificate
 * at admission, and the identity that reads it is scoped to it alone.
 */

/** The Key Vault certificate (and its key) images are signed with; imported by the platform team (runbook). */
export const SIGNING_CERTIFICATE_NAME = 'image-signing';
