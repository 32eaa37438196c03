/**
 * The n8n credentials the shipped workflows may use: id, name and n8n credential type, and where
 * each field comes from (a Key Vault secret of the platform vault, or a fixed value). The import
 * Job writes them into n8n with `n8n import:credentials` from files an ExternalSecret templates
 * out of Key Vault, so no credential is typed into the UI and none is in git; the workflow
 * validator (config/n8n-workflows.ts) refuses a node that names a credential not listed here.
 * Field names are those of the credential types in n8n-nodes-base 2.41.2 (credentials/*.credentials.js).
 */

export type N8nCredentialField = { readonly secret: string } | { readonly value: string | number | boolean };

export interface N8nCredential {
  /** Stable id: workflows reference it, and a re-import updates the credential instead of adding one. */
  readonly id: string;
  readonly name: string;
  /** n8n credential type (the key under a node's `credentials`). */
  readonly type: 'httpBasicAuth' | 'httpHeaderAuth' | 'httpQueryAuth' | 'smtp';
  readonly data: Readonly<Record<string, N8nCredentialField>>;
  readonly why: string;
}

export const N8N_CREDENTIALS: readonly N8nCredential[] = [
  {
    id: 'platformAdoHook',
    name: 'Azure DevOps service hook',
    type: 'httpBasicAuth',
    data: { user: { secret: 'n8n-ado-hook-username' }, password: { secret: 'n8n-ado-hook-password' } },
    why: 'Azure DevOps service hooks send these as basic authentication; the webhook refuses anything else',
  },
  {
    id: 'platformOrchestrator',
    name: 'Agent orchestrator',
    type: 'httpHeaderAuth',
    // The secret holds the whole header value, `Bearer <token>`.
    data: { name: { value: 'Authorization' }, value: { secret: 'n8n-orchestrator-authorization' } },
    why: 'the dispatch to the orchestrator authenticates as n8n',
  },
  {
    id: 'platformTeamsHook',
    name: 'Teams notification webhook',
    type: 'httpQueryAuth',
    // A Teams workflow webhook URL is authorised by its `sig` query parameter; the rest of the URL is config.
    data: { name: { value: 'sig' }, value: { secret: 'n8n-teams-webhook-sig' } },
    why: 'notifications and escalations to the operations channel',
  },
  {
    id: 'platformSmtp',
    name: 'Notification mail (SMTP)',
    type: 'smtp',
    // Submission port with STARTTLS (`secure` is implicit TLS on 465, hence false).
    data: { user: { secret: 'n8n-smtp-username' }, password: { secret: 'n8n-smtp-password' }, host: { value: 'smtp.office365.com' }, port: { value: 587 }, secure: { value: false } },
    why: 'notification and escalation e-mails',
  },
];

/** Every Key Vault secret the credentials read. */
export function credentialSecrets(creds: readonly N8nCredential[] = N8N_CREDENTIALS): string[] {
  return [...new Set(creds.flatMap((c) => Object.values(c.data).flatMap((f) => ('secret' in f ? [f.secret] : []))))].sort();
}
