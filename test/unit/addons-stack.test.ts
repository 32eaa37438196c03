/**
 * The add-ons, cluster-config and observability stacks: every Kubernetes object against its
 * upstream schema, properties over every Helm release and platform namespace, least privilege
 * for the add-ons, and the wiring between identities, service accounts and custom resources.
 */
import { ENVOY_PROXY_POD_LABELS, GATEWAY_NAMESPACE, INGRESS_PRIVATE_LINK_SERVICE, ingressAddress } from '../../catalog/edge';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { SIGNING_CERTIFICATE_NAME } from '../../catalog/supply-chain';
import { RATIFY_PROVIDER } from '../../catalog/cluster-names';
import { ADDON_NAMESPACES, UNMIRRORED_ADDONS } from '../../charts/policies/catalog';
import { PLATFORM_NAMESPACE, SERVING_NAMESPACE } from '../../charts/workloads/names';
import { ADDONS, ADDON_NAMES, EXACT_VERSION, releaseName, type AddonName } from '../../catalog/addons';
import { PLATFORM_NAMESPACES } from '../../catalog/namespaces';
import { ADDON_VALUES } from '../../catalog/chart-values';
import { loadInputs } from '../../config/inputs';
import { cidrContains, cidrsOverlap } from '../../catalog/cidr';
import { KEY_MOUNTED_STORAGE_CLASSES, PLATFORM_STORAGE_CLASSES, PLATFORM_STORAGE_CLASS_NAMES, storageClassSku, WORKLOAD_UID } from '../../catalog/storage-classes';
import { AZURE_REGIONS } from '../../catalog/azure-regions';
import { stackManifests } from '../../cli/lib/stack-manifests';
import { platformApps } from '../../cli/lib/render';
import { schemaErrors, type KubeObject } from '../helpers/k8s-schemas';
import { synthApp } from '../helpers/synth';
import { ROOT } from '../helpers/tools';
import { ENVOY_GATEWAY_CONTROLLER_LABELS } from '../../constructs/addons/values/envoy-gateway';

const app = synthApp();

/** The catalogued add-on a release installs: its chart and release name (one chart may be installed twice). */
function addonOf(r: { config: Record<string, any> }): AddonName {
  const addon = ADDON_NAMES.find((a) => ADDONS[a].chart === r.config.chart && releaseName(a) === r.config.name);
  if (!addon) throw new Error(`release ${r.config.name} (${r.config.chart}) is no catalogued add-on`);
  return addon;
}
const inputs = loadInputs();
const rendered = (env: string, name: string) =>
  parseAllDocuments(readFileSync(join(ROOT, 'rendered', env, name, 'manifests.yaml'), 'utf8'))
    .map((d) => d.toJS())
    .filter(Boolean) as KubeObject[];

/** `namespace cidr` for every NetworkPolicy egress ipBlock that reaches an address of the VNet. */
function vnetReach(objects: KubeObject[], env: { network: { addressSpace: string } }): string[] {
  return objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .flatMap((o: any) =>
      (o.spec.egress ?? []).flatMap((rule: any) =>
        (rule.to ?? [])
          .filter((peer: any) => peer.ipBlock && cidrsOverlap(peer.ipBlock.cidr, env.network.addressSpace) && !(peer.ipBlock.except ?? []).some((x: string) => cidrContains(x, env.network.addressSpace)))
          .map((peer: any) => `${o.metadata.namespace} ${peer.ipBlock.cidr}`),
      ),
    );
}

/** Azure roles an add-on identity may hold, and why; anything else (Owner, Contributor, cluster admin) fails. */
const ALLOWED_ROLES: Record<string, string> = {
  'DNS Zone Contributor': 'cert-manager writes DNS-01 TXT records, external-dns the route hosts, in the environment zone',
  'Private DNS Zone Contributor': 'external-dns (private release) writes the route hosts into the private twin of the zone',
  'Key Vault Secrets User': "External Secrets reads the platform vault; Ratify the signing certificate's secret only",
  'Key Vault Certificate User': 'Ratify reads the signing certificate, that certificate only',
  AcrPull: 'Ratify reads signatures from the platform registry',
  'Storage Blob Data Contributor': 'the Thanos sidecar and Compactor, Loki and Tempo write their own telemetry container',
  'Storage Blob Data Reader': "the Thanos Store Gateway reads the sidecar's container",
};

for (const env of inputs.allEnvironments) {
  const addons = app.stack(`${env.name}-addons`);
  const config = app.stack(`${env.name}-cluster-config`);
  const observability = app.stack(`${env.name}-observability`);
  const controlPlane = app.stack(`${env.name}-control-plane`);
  const releases = [...addons.of('helm_release'), ...observability.of('helm_release'), ...controlPlane.of('helm_release')];
  const manifests = [addons, config, observability].flatMap((s) => stackManifests(s.json)) as KubeObject[];

  describe(`${env.name}: add-ons`, () => {
    it('every Kubernetes object of the add-on stacks and the rendered platform apps validates against its upstream schema', async () => {
      // CiliumNetworkPolicy is validated too (@kubernetes-models/cilium); nothing is skipped.
      const objects = [...manifests, ...rendered(env.name, 'apps'), ...rendered(env.name, 'observability')];
      assert.ok(objects.length > 40, `${objects.length} objects`);
      for (const kind of ['ClusterIssuer', 'ClusterSecretStore', 'Application', 'AppProject', 'PrometheusRule', 'NetworkPolicy', 'ExternalSecret', 'Namespace']) {
        assert.ok(objects.some((o) => o.kind === kind), `${kind} is among the validated objects`);
      }
      assert.deepEqual(await schemaErrors(objects), []);
    });

    it('the platform storage classes: Azure Files mounted with the managed identity, the endpoint in the private-endpoint subnet, the zone and link the network stack made', () => {
      const classes = addons.of('kubernetes_storage_class_v1');
      assert.deepEqual(classes.map((c) => c.config.metadata.name).sort(), [...PLATFORM_STORAGE_CLASS_NAMES].sort());
      const files = classes.find((c) => c.config.metadata.name === PLATFORM_STORAGE_CLASSES.sharedFiles.name)!.config;
      assert.equal(files.storage_provisioner, 'file.csi.azure.com');
      const p = files.parameters;
      assert.equal(p.mountWithManagedIdentity, 'true');
      assert.equal(p.allowSharedKeyAccess, 'false');
      assert.equal(p.publicNetworkAccess, 'Disabled');
      assert.equal(p.networkEndpointType, 'privateEndpoint');
      assert.match(p.subnetName, /-network\.outputs\.cross-stack-output-azurerm_subnetnetwork_subnet-privateEndpoints_[A-Z0-9]+name\}$/);
      assert.match(p.vnetLinkName, /-network\.outputs\.cross-stack-output-azurerm_private_dns_zone_virtual_network_linknetwork_dns-link-file_[A-Z0-9]+name\}$/);
      assert.match(p.vnetResourceGroup, /-network\.outputs\.cross-stack-output-azurerm_resource_groupresource-groupname\}$/);
      assert.equal(p.privateDNSZoneResourceGroup, p.vnetResourceGroup);
      assert.ok(files.mount_options.includes(`uid=${WORKLOAD_UID}`));
      assert.ok(!(KEY_MOUNTED_STORAGE_CLASSES as readonly string[]).some((n) => PLATFORM_STORAGE_CLASS_NAMES.includes(n as never)));
    });

    it('claims without a class land on the platform Premium SSD class (zone-redundant where the region has zones); AKS\'s default is unset', () => {
      const classes = addons.of('kubernetes_storage_class_v1');
      const defaults = classes.filter((c) => c.config.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
      assert.deepEqual(defaults.map((c) => c.config.metadata.name), [PLATFORM_STORAGE_CLASSES.premiumDisks.name]);
      const disk = defaults[0].config;
      assert.equal(disk.storage_provisioner, 'disk.csi.azure.com');
      assert.equal(disk.parameters.skuName, AZURE_REGIONS[env.location].zones ? 'Premium_ZRS' : 'Premium_LRS');
      assert.equal(disk.parameters.networkAccessPolicy, 'DenyAll');
      assert.equal(disk.volume_binding_mode, 'WaitForFirstConsumer');
      const unset = addons.one('kubernetes_annotations').config;
      assert.deepEqual([unset.kind, unset.metadata.name, unset.annotations], ['StorageClass', 'default', { 'storageclass.kubernetes.io/is-default-class': 'false' }]);
      const files = classes.find((c) => c.config.metadata.name === PLATFORM_STORAGE_CLASSES.sharedFiles.name)!.config;
      assert.equal(files.parameters.skuName, AZURE_REGIONS[env.location].premiumFilesZrs ? 'Premium_ZRS' : 'Premium_LRS');
    });

    it('the SKU follows the region: locally redundant where the region lacks zone-redundant storage of the kind', () => {
      assert.equal(storageClassSku(PLATFORM_STORAGE_CLASSES.premiumDisks, 'westeurope'), 'Premium_ZRS');
      assert.equal(storageClassSku(PLATFORM_STORAGE_CLASSES.premiumDisks, 'northcentralus'), 'Premium_LRS');
      assert.equal(storageClassSku(PLATFORM_STORAGE_CLASSES.sharedFiles, 'centralus'), 'Premium_LRS');
      assert.equal(storageClassSku(PLATFORM_STORAGE_CLASSES.sharedFiles, 'swedencentral'), 'Premium_ZRS');
    });

    it('add-on egress reaches the VNet only where the catalogue lists the private-endpoint subnet; HTTPS to the internet excludes the VNet and the cluster ranges', () => {
      const reachesVnet = vnetReach(manifests, env);
      const listed = PLATFORM_NAMESPACES.filter((ns) => (ns.egressCidrs ?? []).some((c) => c.cidrs.some((x) => typeof x !== 'string' && x.subnet === 'privateEndpoints'))).map((ns) => `${ns.name} ${env.network.subnets.privateEndpoints}`);
      assert.deepEqual(reachesVnet.sort(), listed.sort());
      for (const ns of PLATFORM_NAMESPACES.filter((n) => n.httpsEgress)) {
        const policy = manifests.find((o) => o.kind === 'NetworkPolicy' && o.metadata?.namespace === ns.name && o.metadata?.name === 'allow-egress') as any;
        const https = policy.spec.egress.find((r: any) => r.to[0].ipBlock?.cidr === '0.0.0.0/0');
        assert.deepEqual(https.to[0].ipBlock.except, [env.aks.podCidr, env.aks.serviceCidr, env.network.addressSpace], ns.name);
      }
    });

    it('the Gateway\'s namespace reaches only the namespaces with routes: the ports platform namespaces accept from it, the workloads and the tenants', () => {
      const policy = manifests.find((o) => o.kind === 'NetworkPolicy' && o.metadata?.namespace === GATEWAY_NAMESPACE && o.metadata?.name === 'allow-egress') as any;
      const peers = policy.spec.egress.map((r: any) => {
        const sel = r.to[0].namespaceSelector;
        if (!sel) return `${r.to[0].ipBlock?.cidr === '0.0.0.0/0' ? 'internet' : JSON.stringify(r.to[0])}:${(r.ports ?? []).map((p: any) => p.port).join(',')}`;
        const who = sel.matchLabels?.['kubernetes.io/metadata.name'] ?? (sel.matchExpressions?.[0]?.key === 'tenant' && sel.matchExpressions[0].operator === 'Exists' ? 'tenants' : JSON.stringify(sel));
        return `${who}:${(r.ports ?? []).map((p: any) => p.port).join(',') || 'any'}`;
      });
      // Entra ID over the internet (sign-in, JWKS); the AI gateway's extension server; the MCP hub's tool servers over mTLS; the Temporal UI; the n8n editor and webhooks.
      assert.deepEqual(peers.sort(), ['argocd:8080', 'envoy-ai-gateway-system:1063', 'internet:443', 'mcp-hub:4317', 'mcp-hub:8443', 'n8n:5678', 'observability:3000', 'platform:any', 'temporal:8080', 'tenants:any']);
      const backends = manifests.filter((o) => o.kind === 'NetworkPolicy' && o.metadata?.name === 'allow-ingress').filter((o: any) => o.spec.ingress.some((r: any) => r.from?.[0]?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === GATEWAY_NAMESPACE));
      assert.deepEqual(backends.map((o) => o.metadata!.namespace).sort(), ['argocd', 'envoy-ai-gateway-system', 'mcp-hub', 'observability', 'temporal'], 'every platform namespace that admits the Gateway namespace is one it can reach');
      // ... and admits only the proxy pods, not the controller beside them; the AI gateway's namespace only the controller (its extension manager).
      for (const b of backends as any[]) {
        const rule = b.spec.ingress.find((r: any) => r.from[0].namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === GATEWAY_NAMESPACE);
        const caller = b.metadata.namespace === ADDONS.aiGateway.namespace ? ENVOY_GATEWAY_CONTROLLER_LABELS : ENVOY_PROXY_POD_LABELS;
        assert.deepEqual(rule.from[0].podSelector, { matchLabels: { ...caller } }, b.metadata.namespace);
      }
    });

    it('the VNet-reach check can fail: an internet rule without the VNet exception reaches it', () => {
      const policy = structuredClone(manifests.find((o) => o.kind === 'NetworkPolicy' && o.metadata?.namespace === 'argocd' && o.metadata?.name === 'allow-egress')!) as any;
      policy.spec.egress.find((r: any) => r.to[0].ipBlock?.cidr === '0.0.0.0/0').to[0].ipBlock.except = [env.aks.podCidr];
      assert.deepEqual(vnetReach([policy], env), [`argocd 0.0.0.0/0`]);
    });

    it('the schema check can fail: a NetworkPolicy with a string port range and a ClusterIssuer without a solver type', async () => {
      const policy = structuredClone(manifests.find((o) => o.kind === 'NetworkPolicy' && o.metadata?.name === 'allow-dns')!) as any;
      policy.spec.egress[0].ports[0].endPort = 'many';
      const errors = await schemaErrors([policy]);
      assert.equal(errors.length, 1);
      assert.match(errors[0], /NetworkPolicy .*endPort/);
    });

    it('every Helm release is one catalogued chart at an exact version, atomic, waited for, with a timeout and reset values', () => {
      const enabled = ADDON_NAMES.filter((a) => env.addons[a].enabled);
      assert.deepEqual(releases.map((r) => r.config.chart).sort(), enabled.map((a) => ADDONS[a].chart).sort());
      for (const r of releases) {
        const addon = addonOf(r);
        assert.match(r.config.version, EXACT_VERSION, r.path);
        assert.equal(r.config.version, env.addons[addon].version ?? ADDONS[addon].version);
        assert.equal(r.config.repository, ADDONS[addon].repository);
        assert.equal(r.config.namespace, ADDONS[addon].namespace);
        assert.equal(r.config.atomic, true);
        assert.equal(r.config.wait, true);
        assert.equal(r.config.create_namespace, false, 'namespaces come with labels and policies from the stack');
        assert.ok(r.config.timeout >= 300 && r.config.timeout <= 1800, `${r.path}: timeout ${r.config.timeout}`);
        assert.equal(r.config.reset_values, true);
      }
    });

    it('Helm values carry no literal Terraform template: only references cdktf wrote, everything else escaped', () => {
      for (const r of releases) {
        const text: string = r.config.values[0];
        for (const m of text.matchAll(/(?<!\$)\$\{([^}]*)\}/g)) assert.match(m[1], /^(data|azurerm_|kubernetes_|helm_)/, `${r.config.chart}: \${${m[1]}} would be read as a template`);
        assert.doesNotMatch(text, /(?<!%)%\{/, `${r.config.chart}: %{ would be read as a template directive`);
      }
      const otel = releases.find((r) => r.config.name === releaseName('otelCollector'))!.config.values[0];
      assert.match(otel, /\$\$\{env:MY_POD_IP\}:4317/);
    });

    it('every other add-on waits for Gatekeeper (its fail-closed webhook must be serving first); writers wait for their identities', () => {
      const gatekeeper = addons.of('helm_release').find((r) => r.config.chart === 'gatekeeper')!;
      for (const r of addons.of('helm_release').filter((x) => x !== gatekeeper)) assert.ok(r.config.depends_on.includes(`helm_release.${gatekeeper.id}`), r.config.chart);
      for (const chart of ['kube-prometheus-stack', 'loki', 'tempo']) {
        const deps: string[] = observability.of('helm_release').find((x) => x.config.chart === chart)!.config.depends_on;
        assert.ok(deps.some((d) => d.startsWith('azurerm_federated_identity_credential.')), `${chart} after its federation`);
        assert.ok(deps.some((d) => d.startsWith('azurerm_role_assignment.')), `${chart} after its container role`);
      }
    });

    it("every release's values are valid YAML that passes the chart's strict schema", () => {
      for (const r of releases) {
        const addon = addonOf(r);
        const values = parse(r.config.values[0]);
        const res = ADDON_VALUES[addon].safeParse(values);
        assert.ok(res.success, `${addon}: ${res.error?.message}`);
      }
    });

    it('a release waits for its namespace objects and for the releases of the add-ons it depends on', () => {
      for (const r of addons.of('helm_release')) {
        const addon = addonOf(r);
        const deps: string[] = r.config.depends_on ?? [];
        assert.ok(deps.some((d) => d.startsWith('kubernetes_manifest.')), `${addon} waits for its namespace`);
        for (const dep of Object.keys(ADDONS[addon].dependsOn)) {
          if (ADDONS[dep as keyof typeof ADDONS].stack !== 'addons') continue;
          const target = addons.of('helm_release').find((x) => x.config.chart === ADDONS[dep as keyof typeof ADDONS].chart)!;
          assert.ok(deps.includes(`helm_release.${target.id}`), `${addon} after ${dep}`);
        }
      }
    });

    it('every platform namespace has Pod Security labels, a quota, default limits, default-deny in both directions and DNS', () => {
      const namespaces = manifests.filter((o) => o.kind === 'Namespace');
      assert.deepEqual(namespaces.map((n) => n.metadata!.name).sort(), PLATFORM_NAMESPACES.map((n) => n.name).sort());
      for (const ns of namespaces) {
        const name = ns.metadata!.name!;
        const labels = (ns.metadata as any).labels;
        for (const mode of ['enforce', 'warn', 'audit']) assert.ok(labels[`pod-security.kubernetes.io/${mode}`], `${name} ${mode}`);
        if (labels['pod-security.kubernetes.io/enforce'] !== 'restricted') assert.ok((ns.metadata as any).annotations?.['platform.example.org/pod-security-reason'], `${name} says why it is not restricted`);
        const inNs = manifests.filter((o) => o.metadata?.namespace === name);
        const deny = inNs.find((o) => o.kind === 'NetworkPolicy' && o.metadata?.name === 'default-deny') as any;
        assert.deepEqual(deny?.spec, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, `${name} default-deny`);
        assert.ok(inNs.some((o) => o.kind === 'NetworkPolicy' && o.metadata?.name === 'allow-dns'), `${name} DNS`);
        assert.ok(inNs.some((o) => o.kind === 'ResourceQuota'), `${name} quota`);
        assert.ok(inNs.some((o) => o.kind === 'LimitRange'), `${name} limit range`);
      }
    });

    it('no add-on is cluster-admin unless the catalogue says why; Azure roles are only the listed ones', () => {
      for (const a of ADDON_NAMES) if (ADDONS[a].clusterAdmin !== undefined) assert.ok(ADDONS[a].clusterAdmin!.length > 40, `${a} explains its cluster-admin`);
      const all = [...manifests, ...inputs.allEnvironments.flatMap((e) => rendered(e.name, 'apps'))];
      const bindings = all.filter((o) => /ClusterRoleBinding|RoleBinding/.test(o.kind) && (o as any).roleRef?.name === 'cluster-admin');
      assert.deepEqual(bindings, []);
      const roles = [addons, observability].flatMap((s) => s.of('azurerm_role_assignment')).map((r) => r.config.role_definition_name);
      assert.ok(roles.length >= 2);
      for (const role of roles) assert.ok(ALLOWED_ROLES[role], `role ${role} is not on the add-on allow-list`);
    });

    it('image signatures: Ratify\'s constraint denies unsigned pods in production and warns elsewhere, in every namespace but the system and add-on ones', () => {
      const constraint = rendered(env.name, 'image-signatures').find((o) => o.kind === 'PlatformImageSignatures') as any;
      assert.equal(constraint.spec.enforcementAction, env.tier === 'production' ? 'deny' : 'warn');
      assert.deepEqual(constraint.spec.match.kinds, [{ apiGroups: [''], kinds: ['Pod'] }]);
      const excluded = new Set<string>(constraint.spec.match.excludedNamespaces);
      const tenants = inputs.tenants.filter((t) => t.spec.environments.includes(env.name)).map((t) => t.metadata.name);
      for (const ns of [PLATFORM_NAMESPACE, SERVING_NAMESPACE, ...tenants]) assert.ok(!excluded.has(ns), `${ns} must run signed images`);
      for (const ns of ADDON_NAMESPACES) assert.ok(excluded.has(ns), `${ns} runs upstream images`);
      assert.equal(constraint.spec.parameters.provider, RATIFY_PROVIDER);
    });

    it("Gatekeeper admits the charts' pods: their namespaces are exempt from the pinning, sizing and probe rules, never from Pod Security nor (their images mirrored) the registry allow-list", () => {
      const constraints = rendered(env.name, 'gatekeeper-policies').filter((o) => o.apiVersion.startsWith('constraints.gatekeeper.sh')) as any[];
      const excluded = (kind: string) => new Set<string>(constraints.find((c) => c.kind === kind)!.spec.match.excludedNamespaces ?? []);
      const privileged = new Set(PLATFORM_NAMESPACES.filter((n) => n.podSecurity !== 'restricted').map((n) => n.name));
      for (const r of releases) {
        const ns = r.config.namespace;
        if (ns === 'gatekeeper-system') continue;
        for (const kind of ['PlatformImageTag', 'PlatformContainerResources', 'PlatformRequiredProbes']) assert.ok(excluded(kind).has(ns), `${kind} would deny ${r.config.chart} in ${ns}`);
        assert.equal(excluded('PlatformAllowedRegistries').has(ns), UNMIRRORED_ADDONS.some((e) => e.namespace === ns), `${ns}: only an add-on not pulled through the ACR mirror is exempt from the registry allow-list`);
        assert.equal(excluded('PlatformPodSecurity').has(ns), privileged.has(ns), `${ns}: Pod Security is waived only for privileged namespaces`);
      }
      for (const ns of ['platform', 'serving']) assert.ok(!excluded('PlatformContainerResources').has(ns), `the platform's own workloads in ${ns} are checked`);
    });

    it('Argo CD: SSO through Entra ID with workload identity, no local admin, read-only by default', () => {
      const values = parse(addons.of('helm_release').find((r) => r.config.chart === 'argo-cd')!.config.values[0]);
      assert.equal(values.configs.cm['admin.enabled'], false);
      assert.equal(values.configs.rbac['policy.default'], 'role:readonly');
      const oidc = parse(values.configs.cm['oidc.config']);
      assert.equal(oidc.azure.useWorkloadIdentity, true);
      assert.equal(oidc.clientID, env.addons.argocd.sso.clientId);
      // The UI is routed by the platform Gateway (charts/edge), not by the chart's Ingress.
      assert.deepEqual(values.server.ingress, { enabled: false });
      assert.equal(values.configs.params['server.insecure'], true, 'TLS ends at the ingress');
      assert.equal(values['redis-ha'].enabled, env.addons.highAvailability);
      assert.equal(values.controller.replicas, env.addons.highAvailability ? 2 : 1);
      // The app-of-apps' sync waves only wait when Argo CD assesses child Application health.
      assert.match(values.configs.cm['resource.customizations.health.argoproj.io_Application'], /obj\.status\.health\.status/);
    });

    it("Ratify's identity reads the signing certificate and its secret only, and pulls from the platform registry only", () => {
      const identity = addons.of('azurerm_user_assigned_identity').find((i) => /ratify/.test(i.config.name))!;
      const mine = addons.of('azurerm_role_assignment').filter((r) => String(r.config.principal_id).includes(`.${identity.id}.`));
      const scopes = Object.fromEntries(mine.map((r) => [r.config.role_definition_name, String(r.config.scope)]));
      assert.deepEqual(Object.keys(scopes).sort(), ['AcrPull', 'Key Vault Certificate User', 'Key Vault Secrets User']);
      assert.match(scopes['Key Vault Certificate User'], new RegExp(`/certificates/${SIGNING_CERTIFICATE_NAME}$`));
      assert.match(scopes['Key Vault Secrets User'], new RegExp(`/secrets/${SIGNING_CERTIFICATE_NAME}$`));
      assert.match(scopes.AcrPull, /outputs\.cross-stack-output-azurerm_container_registrycontainer-registry_\w+id}$/);
    });

    it('workload identities trust exactly the service account the chart runs as', () => {
      const creds = [...addons.of('azurerm_federated_identity_credential'), ...observability.of('azurerm_federated_identity_credential')];
      const subjects = creds.map((c) => c.config.subject).sort();
      assert.deepEqual(subjects, [
        'system:serviceaccount:cert-manager:cert-manager',
        'system:serviceaccount:external-dns:external-dns',
        'system:serviceaccount:external-dns:external-dns-private',
        'system:serviceaccount:external-secrets:external-secrets',
        'system:serviceaccount:gatekeeper-system:ratify-admin',
        'system:serviceaccount:observability:loki',
        'system:serviceaccount:observability:prometheus',
        'system:serviceaccount:observability:tempo',
        'system:serviceaccount:observability:thanos-compactor',
        'system:serviceaccount:observability:thanos-store',
      ]);
      for (const r of releases) {
        const values = parse(r.config.values[0]);
        const sa = values.serviceAccount ?? values.prometheus?.serviceAccount;
        if (!sa?.annotations?.['azure.workload.identity/client-id']) continue;
        assert.ok(subjects.includes(`system:serviceaccount:${r.config.namespace}:${sa.name}`), `${r.config.chart} runs as ${sa.name}`);
      }
    });

    it('charts that ship no restricted security context get one (the observability namespace enforces restricted)', () => {
      const values = (chart: string) => parse(observability.of('helm_release').find((r) => r.config.chart === chart)!.config.values[0]);
      const seccomp = { type: 'RuntimeDefault' };
      const tempo = values('tempo');
      assert.deepEqual(tempo.securityContext.seccompProfile, seccomp);
      assert.equal(tempo.securityContext.runAsNonRoot, true);
      assert.deepEqual(tempo.tempo.securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      const otel = values('opentelemetry-collector');
      assert.deepEqual(otel.podSecurityContext.seccompProfile, seccomp);
      assert.equal(otel.securityContext.allowPrivilegeEscalation, false);
      const loki = values('loki');
      for (const ctx of [loki.loki.podSecurityContext, loki.gateway.podSecurityContext, loki.memcached.podSecurityContext]) assert.deepEqual(ctx.seccompProfile, seccomp);
    });

    it('observability on AKS: no control-plane targets that cannot be scraped, Grafana confined to its namespace, Loki sized', () => {
      const values = (chart: string) => parse(observability.of('helm_release').find((r) => r.config.chart === chart)!.config.values[0]);
      const kps = values('kube-prometheus-stack');
      for (const c of ['kubeControllerManager', 'kubeScheduler', 'kubeEtcd', 'kubeProxy']) assert.equal(kps[c].enabled, false, c);
      assert.equal(kps.defaultRules.rules.kubeProxy, false);
      assert.equal(kps.grafana.rbac.namespaced, true);
      assert.equal(kps.grafana.sidecar.dashboards.searchNamespace, undefined, 'only its own namespace');
      assert.equal(kps.grafana.replicas, 1);
      const loki = values('loki');
      const component = loki.deploymentMode === 'SingleBinary' ? loki.singleBinary : loki.write;
      assert.match(component.resources.limits.memory, /Gi$/);
    });

    it('Cilium rules: Prometheus reaches kubelets and node-exporter as node entities; webhooks accept the API server entity, remote nodes and its subnet', () => {
      const cnp = (ns: string) => manifests.find((o) => o.kind === 'CiliumNetworkPolicy' && o.metadata?.namespace === ns) as any;
      const obs = cnp('observability');
      assert.ok(obs.spec.egress.some((e: any) => e.toEntities?.includes('host') && e.toEntities.includes('remote-node') && e.toPorts[0].ports.some((p: any) => p.port === '10250')));
      const webhook = cnp('cert-manager').spec.ingress;
      assert.deepEqual(webhook[1].fromCIDR, [env.network.subnets.apiServer]);
      assert.equal(cnp('platform'), undefined, 'workload namespaces talk to neither');
    });

    it('Loki keeps as many copies as it has ingesters', () => {
      const values = parse(observability.of('helm_release').find((r) => r.config.chart === 'loki')!.config.values[0]);
      const ingesters = values.deploymentMode === 'SingleBinary' ? values.singleBinary.replicas : values.write.replicas;
      assert.ok(values.loki.commonConfig.replication_factor <= ingesters, `${values.loki.commonConfig.replication_factor} copies, ${ingesters} ingesters`);
      assert.equal(values.loki.storage.azure.useFederatedToken, true);
    });

    it('Envoy Gateway goes in before cert-manager (its CRDs first), highly available where the environment is, and no ingress-nginx release is left', () => {
      const releases = addons.of('helm_release');
      assert.equal(releases.find((r) => r.config.chart === 'ingress-nginx'), undefined);
      const eg = releases.find((r) => r.config.chart === 'gateway-helm')!;
      const cm = releases.find((r) => r.config.chart === 'cert-manager')!;
      assert.equal(eg.config.version, 'v1.9.0');
      assert.ok((cm.config.depends_on ?? []).some((d: string) => d.includes(eg.id)), 'cert-manager waits for the Gateway API CRDs');
      const values = parse(eg.config.values[0]);
      assert.equal(values.crds.enabled, true);
      assert.equal(values.deployment.replicas, env.addons.highAvailability ? 2 : 1);
      assert.equal(parse(cm.config.values[0]).config.enableGatewayAPI, true);
    });

    it('the Gateway gets an internal load balancer on the fixed address unless public ingress is enabled, and the Private Link service only with the WAF edge', () => {
      const gateway = stackManifests(app.stack(`${env.name}-cluster-config`).json);
      const proxy = gateway.find((o) => o.kind === 'EnvoyProxy') as any;
      const annotations = proxy.spec.provider.kubernetes.envoyService.annotations;
      const internal = env.aks.privateCluster || !env.network.publicIngress;
      assert.equal(annotations['service.beta.kubernetes.io/azure-load-balancer-internal'] === 'true', internal);
      if (internal) assert.equal(annotations['service.beta.kubernetes.io/azure-load-balancer-ipv4'], ingressAddress(env.network.subnets.nodes));
      assert.equal(annotations['service.beta.kubernetes.io/azure-pls-name'] === INGRESS_PRIVATE_LINK_SERVICE, internal && env.network.edge.frontDoor.enabled);
    });

    it('the NVIDIA device plugin runs only on the GPU pool and tolerates exactly its taints', () => {
      const values = parse(addons.of('helm_release').find((r) => r.config.chart === 'nvidia-device-plugin')!.config.values[0]);
      const gpuPool = app.stack(`${env.name}-platform`).of('azurerm_kubernetes_cluster_node_pool').find((p) => p.config.name === 'gpu')!;
      assert.deepEqual(values.nodeSelector, { 'platform.example.org/pool': 'gpu' });
      assert.equal(gpuPool.config.node_labels['platform.example.org/pool'], 'gpu');
      // The chart's default node affinity requires this label (NFD, which would set another, is off).
      assert.equal(gpuPool.config.node_labels['nvidia.com/gpu.present'], 'true');
      assert.equal(values.affinity, undefined);
      assert.equal(values.nfd.enabled, false);
      const tolerated = values.tolerations.map((t: any) => `${t.key}=${t.value}:${t.effect}`).sort();
      assert.deepEqual(tolerated, [...gpuPool.config.node_taints].sort());
    });

    it('Gatekeeper: audit on, fail-closed webhook with its own and kube-system namespaces exempt', () => {
      const values = parse(addons.of('helm_release').find((r) => r.config.chart === 'gatekeeper')!.config.values[0]);
      assert.equal(values.validatingWebhookFailurePolicy, env.addons.gatekeeper.failurePolicy);
      assert.ok(values.auditInterval > 0);
      assert.deepEqual(values.controllerManager.exemptNamespaces, ['kube-system', 'gatekeeper-system']);
      // The webhook itself skips kube-system (its own namespace it skips unasked).
      assert.deepEqual(values.validatingWebhookExemptNamespacesLabels, { 'kubernetes.io/metadata.name': ['kube-system'] });
      assert.equal(app.stack(`${env.name}-platform`).one('azurerm_kubernetes_cluster').config.azure_policy_enabled, false, 'the AKS Azure Policy add-on would bring a second Gatekeeper');
    });

    it('cluster-config: the root Application syncs rendered/<env>/apps, which lists one Application per rendered app', () => {
      const root = manifests.find((o) => o.kind === 'Application') as any;
      assert.equal(root.spec.source.path, `rendered/${env.name}/apps`);
      assert.equal(root.spec.source.repoURL, env.addons.gitops.repoURL);
      const children = rendered(env.name, 'apps') as any[];
      assert.deepEqual(children.map((c) => c.spec.source.path).sort(), platformApps(env).map((a) => `rendered/${env.name}/${a.name}`).sort());
      const store = manifests.find((o) => o.kind === 'ClusterSecretStore') as any;
      assert.equal(store.spec.provider.azurekv.authType, 'WorkloadIdentity');
      assert.deepEqual(store.spec.conditions[0].namespaces, ['argocd', 'observability', 'platform', 'serving', 'temporal']);
      for (const c of children) {
        assert.ok(c.spec.syncPolicy.syncOptions.includes('SkipDryRunOnMissingResource=true'), `${c.metadata.name}: CRDs from the same sync or a later stack`);
        assert.equal(c.spec.syncPolicy.retry.limit, -1);
      }
      const acme = manifests.find((o) => o.kind === 'ClusterIssuer' && o.metadata?.name === 'letsencrypt-dns') as any;
      // The zone comes from the platform stack by reference, so the issuer follows a renamed zone.
      assert.match(acme.spec.acme.solvers[0].dns01.azureDNS.hostedZoneName, /^\$\{data\.terraform_remote_state|^\$\{/);
      assert.deepEqual(acme.spec.acme.solvers[0].selector.dnsZones.length, 1);
      assert.match(acme.spec.acme.server, env.addons.certManager.acme.server === 'staging' ? /staging/ : /acme-v02/);
    });

    it('the platform AppProject admits everything the platform renders, and nothing broader', () => {
      const project = manifests.find((o) => o.kind === 'AppProject') as any;
      const allowedNs = new Set(project.spec.destinations.map((d: any) => d.namespace));
      const allowedKind = (group: string, kind: string) => project.spec.clusterResourceWhitelist.some((w: any) => w.group === group && (w.kind === kind || w.kind === '*'));
      assert.ok(!project.spec.clusterResourceWhitelist.some((w: any) => w.group === '*'), 'no wildcard group');
      for (const app of platformApps(env)) {
        for (const o of rendered(env.name, app.name) as any[]) {
          const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
          if (o.metadata.namespace) assert.ok(allowedNs.has(o.metadata.namespace), `${app.name}: ${o.kind} in ${o.metadata.namespace}`);
          else assert.ok(allowedKind(group, o.kind), `${app.name}: cluster-scoped ${group}/${o.kind}`);
        }
        assert.ok(allowedNs.has(app.namespace), `${app.name} destination ${app.namespace}`);
      }
    });

    it('telemetry storage: private, Entra-only, with a lifecycle rule per signal at the configured retention', () => {
      const account = observability.one('azurerm_storage_account');
      assert.equal(account.config.shared_access_key_enabled, false);
      assert.equal(account.config.public_network_access_enabled, false);
      const rules = observability.one('azurerm_storage_management_policy').config.rule;
      const days = Object.fromEntries(rules.map((r: any) => [r.filters.prefix_match[0], r.actions.base_blob.delete_after_days_since_modification_greater_than]));
      const r = env.observability.retention;
      assert.deepEqual(days, { 'thanos/': r.metricsDays, 'loki/': r.logsDays, 'tempo/': r.tracesDays });
    });
  });
}

describe('add-on catalogue', () => {
  it('Gatekeeper runs the release the policies are tested with (gator in scripts/tools.sh)', () => {
    const tools = readFileSync(join(ROOT, 'scripts/tools.sh'), 'utf8');
    assert.equal(`v${ADDONS.gatekeeper.version}`, /GATOR_VERSION=(\S+)/.exec(tools)![1]);
  });

  it('every dependency names an add-on and says why', () => {
    for (const a of ADDON_NAMES) for (const [dep, why] of Object.entries(ADDONS[a].dependsOn)) {
      assert.ok(ADDON_NAMES.includes(dep as any), `${a} -> ${dep}`);
      assert.ok(why!.length > 20);
    }
  });
});
