/** The text of a new tenant file: valid as written, with comments that explain each field. */
import { DEFAULT_ALERT_THRESHOLDS, TENANT_API_VERSION } from '../../config/tenant-schema';

export interface ScaffoldOptions {
  readonly name: string;
  readonly ownerGroup: string;
  readonly costCenter: string;
  readonly contacts: string[];
  readonly reviewers: string[];
  readonly environments: string[];
  readonly displayName?: string;
  readonly currency: string;
  readonly repoURL: string;
}

const list = (items: string[]) => `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;

export function renderTenantFile(o: ScaffoldOptions): string {
  return `# yaml-language-server: $schema=./tenant.schema.json
# Tenant ${o.name}. Reviewed by its owners and the platform team (see .github/CODEOWNERS).
# Field reference and defaults: tenants/README.md. Check it with: npx platform tenant validate
apiVersion: ${TENANT_API_VERSION}
kind: Tenant
metadata:
  name: ${o.name} # the namespace; must match the file name
spec:
  displayName: ${JSON.stringify(o.displayName ?? o.name)}
  owners:
    # Entra ID group that administers the namespace and the tenant's Key Vault secrets.
    entraGroupObjectId: ${o.ownerGroup}
    # Budget alerts are e-mailed here.
    contacts: ${list(o.contacts)}
    # GitHub handles that must approve changes to this file (CODEOWNERS).
    reviewers: ${list(o.reviewers)}
  costCenter: ${o.costCenter}
  environments: ${list(o.environments)}
  budget:
    monthly: 1000 # Azure spend of everything tagged tenant=${o.name}, per month
    currency: ${o.currency} # must be the subscription's billing currency
    alertThresholds: ${list(DEFAULT_ALERT_THRESHOLDS.map(String)).replace(/"/g, '')} # percent of monthly, ascending
  quota: # namespace ResourceQuota; must fit the environment's tenancy.maxQuota
    cpu: "4"
    memory: 16Gi
    gpu: 0 # requests.nvidia.com/gpu; only in environments with a GPU pool
    pods: 50
    storage: 50Gi
  # llm: # uncomment to use the platform's LLM router
  #   models: [llama-3-1-8b-instruct] # ids from config/models.yaml
  #   tokensPerMinute: 20000
  #   requestsPerMinute: 60
  #   monthlyBudget: 100
  gitops: # Argo CD syncs this path into the namespace
    repoURLs: [${JSON.stringify(o.repoURL)}]
    path: k8s
  network:
    allowEgressTo: [] # host:port or CIDR:port the workloads may call
`;
}
