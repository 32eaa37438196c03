/** The AKS secure defaults and the platform stack's resources, asserted on the synthesized JSON. */
import { describe, it } from 'node:test';
import { UPSTREAM_REGISTRIES } from '../../catalog/registry-mirrors';
import assert from 'node:assert/strict';
import { loadEnvironment } from '../../config/load';
import { AKS_LOG_CATEGORIES } from '../../constructs/aks';
import { PRIVATE_ENDPOINT_WRITER_ACTIONS } from '../../constructs/aks/file-driver-access';
import { ENVIRONMENTS, refId, synthApp } from '../helpers/synth';

const app = synthApp();

for (const envName of ENVIRONMENTS) {
  const env = loadEnvironment(envName);
  const platform = app.stack(`${envName}-platform`);
  const network = app.stack(`${envName}-network`);
  const cluster = platform.one('azurerm_kubernetes_cluster');
  const aks = cluster.config;

  describe(`${envName}-platform: AKS secure defaults`, () => {
    it('OIDC issuer and workload identity are on', () => {
      assert.equal(aks.oidc_issuer_enabled, true);
      assert.equal(aks.workload_identity_enabled, true);
    });

    it('runs as user-assigned identities, with a separate kubelet identity', () => {
      const identities = platform.of('azurerm_user_assigned_identity');
      const controlPlane = identities.find((i) => i.path.includes('control-plane'))!;
      const kubelet = identities.find((i) => i.path.includes('kubelet'))!;
      assert.equal(aks.identity.type, 'UserAssigned');
      assert.deepEqual(aks.identity.identity_ids, [`\${azurerm_user_assigned_identity.${controlPlane.id}.id}`]);
      assert.equal(aks.kubelet_identity.user_assigned_identity_id, `\${azurerm_user_assigned_identity.${kubelet.id}.id}`);
    });

    it('local accounts are disabled; Entra ID with Azure RBAC is the only way in', () => {
      assert.equal(aks.local_account_disabled, true);
      assert.equal(aks.role_based_access_control_enabled, true);
      assert.equal(aks.azure_active_directory_role_based_access_control.azure_rbac_enabled, true);
      assert.deepEqual(aks.azure_active_directory_role_based_access_control.admin_group_object_ids, env.aks.adminGroupObjectIds);
    });

    it('run command is off', () => assert.equal(aks.run_command_enabled, false));

    it('FQDN egress filtering (Advanced Container Networking security) and cost analysis are on', () => {
      assert.deepEqual(aks.network_profile.advanced_networking, { security_enabled: true, observability_enabled: false });
      assert.equal(aks.cost_analysis_enabled, true);
    });

    it('API server: VNet-integrated; private per config, otherwise fenced by authorized ranges', () => {
      assert.equal(aks.private_cluster_enabled, env.aks.privateCluster);
      assert.equal(aks.private_cluster_public_fqdn_enabled, false);
      assert.equal(aks.api_server_access_profile.virtual_network_integration_enabled, true);
      assert.match(aks.api_server_access_profile.subnet_id, /subnet-apiServer/);
      if (env.aks.privateCluster) {
        assert.match(aks.private_dns_zone_id, /dns-aks/);
        assert.equal(aks.api_server_access_profile.authorized_ip_ranges, undefined);
      } else {
        assert.ok(aks.api_server_access_profile.authorized_ip_ranges.length > 0);
        assert.equal(aks.private_dns_zone_id, undefined);
      }
    });

    it('Azure CNI overlay with the Cilium data plane and network policy', () => {
      assert.deepEqual(
        {
          plugin: aks.network_profile.network_plugin,
          mode: aks.network_profile.network_plugin_mode,
          dataPlane: aks.network_profile.network_data_plane,
          policy: aks.network_profile.network_policy,
        },
        { plugin: 'azure', mode: 'overlay', dataPlane: 'cilium', policy: 'cilium' },
      );
    });

    it('system pool: zones, autoscaling, critical add-ons only, host encryption, Azure Linux', () => {
      const pool = aks.default_node_pool;
      assert.equal(pool.name, 'system');
      assert.deepEqual(pool.zones, env.aks.nodePools.system.zones);
      assert.equal(pool.auto_scaling_enabled, true);
      assert.equal(pool.min_count, env.aks.nodePools.system.minCount);
      assert.equal(pool.max_count, env.aks.nodePools.system.maxCount);
      assert.equal(pool.only_critical_addons_enabled, true);
      assert.equal(pool.host_encryption_enabled, true);
      assert.equal(pool.os_sku, 'AzureLinux');
      assert.equal(pool.node_public_ip_enabled, false);
    });

    it('upgrade channels with maintenance windows', () => {
      const w = env.aks.upgrade.maintenanceWindow;
      assert.equal(aks.automatic_upgrade_channel, 'patch');
      assert.equal(aks.node_os_upgrade_channel, 'NodeImage');
      for (const window of [aks.maintenance_window_auto_upgrade, aks.maintenance_window_node_os]) {
        assert.deepEqual(window, { frequency: 'Weekly', interval: 1, day_of_week: w.dayOfWeek, start_time: w.startTime, utc_offset: w.utcOffset, duration: w.durationHours });
      }
    });

    it('Standard tier, image cleaner, Defender, monitoring; the Azure Policy add-on only on request', () => {
      const workspace = refId(platform.one('azurerm_log_analytics_workspace'));
      assert.equal(aks.sku_tier, 'Standard');
      // Its Gatekeeper would collide with the platform's (policies/gatekeeper).
      assert.equal(aks.azure_policy_enabled, env.aks.azurePolicyAddon);
      assert.equal(env.aks.azurePolicyAddon, false);
      assert.equal(aks.image_cleaner_enabled, true);
      assert.ok(aks.image_cleaner_interval_hours <= 168);
      assert.equal(aks.microsoft_defender.log_analytics_workspace_id, workspace);
      assert.equal(aks.oms_agent.log_analytics_workspace_id, workspace);
      assert.equal(aks.oms_agent.msi_auth_for_monitoring_enabled, true);
    });

    it('Key Vault secrets provider rotates secrets', () => {
      assert.equal(aks.key_vault_secrets_provider.secret_rotation_enabled, true);
      assert.ok(aks.key_vault_secrets_provider.secret_rotation_interval);
    });

    it('control-plane logs including kube-audit-admin go to Log Analytics', () => {
      const diag = platform.of('azurerm_monitor_diagnostic_setting').find((d) => d.config.target_resource_id === refId(cluster));
      assert.ok(diag, 'no diagnostic setting targets the cluster');
      const categories = diag.config.enabled_log.map((l: { category: string }) => l.category);
      assert.ok(categories.includes('kube-audit-admin'));
      assert.deepEqual(categories, [...AKS_LOG_CATEGORIES]);
      assert.equal(diag.config.log_analytics_workspace_id, refId(platform.one('azurerm_log_analytics_workspace')));
    });

    it('control plane identity is granted network and identity roles before the cluster is created, never on the whole VNet', () => {
      const grants = platform.of('azurerm_role_assignment').filter((r) => r.path.includes('aks-control-plane-identity'));
      const network = grants.filter((g) => g.config.role_definition_name === 'Network Contributor');
      const scopes = network.map((g) => /cross-stack-output-(azurerm_[a-z_]+?)(network|egress-firewall)_([a-zA-Z-]+)_/.exec(g.config.scope)?.slice(1).join(':')).sort();
      const firewall = env.network.egressFirewall.enabled;
      assert.deepEqual(scopes, ['azurerm_subnet:network:subnet-apiServer', 'azurerm_subnet:network:subnet-nodes', ...(firewall ? ['azurerm_route_table:egress-firewall:route-table'] : [])].sort());
      assert.ok(!network.some((g) => /virtual_network/.test(g.config.scope)), 'no Network Contributor on the VNet');
      const others = grants.filter((g) => g.config.role_definition_name !== 'Network Contributor').map((g) => g.config.role_definition_name).sort();
      assert.deepEqual(others, ['Managed Identity Operator', ...(env.aks.privateCluster ? ['Private DNS Zone Contributor'] : [])].sort());
      for (const g of grants) assert.ok(aks.depends_on.includes(`azurerm_role_assignment.${g.id}`), `${g.path} is not a dependency of the cluster`);
    });

    it('egress: through the firewall (user-defined routing) where the environment has one, else the load balancer', () => {
      assert.equal(aks.network_profile.outbound_type, env.network.egressFirewall.enabled ? 'userDefinedRouting' : 'loadBalancer');
    });

    it('only the CSI drivers the platform uses: disk and Azure Files (managed-identity mounts), no blob driver or snapshots', () => {
      assert.deepEqual(aks.storage_profile, { blob_driver_enabled: false, disk_driver_enabled: true, file_driver_enabled: true, snapshot_controller_enabled: false });
    });

    it('the Azure Files driver gets private endpoints in the network resource group and nothing else there; the kubelet mounts with its identity', () => {
      const role = platform.one('azurerm_role_definition');
      assert.deepEqual(role.config.permissions, [{ actions: [...PRIVATE_ENDPOINT_WRITER_ACTIONS], not_actions: [] }]);
      assert.match(role.config.scope, /-network\.outputs\.cross-stack-output-azurerm_resource_groupresource-groupid\}$/);
      assert.deepEqual(role.config.assignable_scopes, [role.config.scope]);
      const grants = platform.of('azurerm_role_assignment').filter((r) => r.path.includes('file-driver-access'));
      const summary = grants.map((g) => `${g.config.principal_id.includes('kubelet') ? 'kubelet' : 'control-plane'} ${g.config.role_definition_name ?? 'custom'} ${/azurerm_(kubernetes_cluster|private_dns_zone|resource_group|subnet)/.exec(g.config.scope)![0]}`).sort();
      assert.deepEqual(summary, [
        'control-plane Network Contributor azurerm_subnet',
        'control-plane Private DNS Zone Contributor azurerm_private_dns_zone',
        'control-plane custom azurerm_resource_group',
        'kubelet Storage File Data SMB MI Admin azurerm_kubernetes_cluster',
      ]);
      const subnetGrant = grants.find((g) => g.config.role_definition_name === 'Network Contributor')!;
      assert.match(subnetGrant.config.scope, /subnet-privateEndpoints/);
      const kubelet = grants.find((g) => g.config.role_definition_name === 'Storage File Data SMB MI Admin')!;
      assert.equal(kubelet.config.scope, `\${azurerm_kubernetes_cluster.${cluster.id}.node_resource_group_id}`);
      assert.equal(grants.find((g) => g.config.role_definition_id)!.config.role_definition_id, `\${azurerm_role_definition.${role.id}.role_definition_resource_id}`);
    });
  });

  describe(`${envName}-platform: registry mirror`, () => {
    it('one cache rule per upstream registry, mapping <acr>/<host>/* to <host>/*; Docker Hub through a credential set that reads only its two secrets', () => {
      const rules = platform.of('azurerm_container_registry_cache_rule');
      assert.deepEqual(rules.map((r) => [r.config.source_repo, r.config.target_repo]).sort(), UPSTREAM_REGISTRIES.map((u) => [`${u.host}/*`, `${u.host}/*`]).sort());
      for (const r of rules) assert.match(r.config.container_registry_id, /^\$\{azurerm_container_registry\.container-registry_\w+\.id\}$/);
      const sets = platform.of('azurerm_container_registry_credential_set');
      assert.deepEqual(sets.map((c) => c.config.login_server), UPSTREAM_REGISTRIES.filter((u) => u.credentials).map((u) => u.host));
      const docker = UPSTREAM_REGISTRIES.find((u) => u.host === 'docker.io')!.credentials!;
      assert.match(sets[0].config.authentication_credentials.password_secret_id, new RegExp(`vault_uri}secrets/${docker.passwordSecret}$`));
      const dockerRule = rules.find((r) => r.config.source_repo === 'docker.io/*')!;
      assert.match(dockerRule.config.credential_set_id, new RegExp(`azurerm_container_registry_credential_set\\.${sets[0].id}\\.id`));
      const grants = platform.of('azurerm_role_assignment').filter((g) => String(g.config.principal_id).includes(`.${sets[0].id}.`));
      assert.deepEqual(grants.map((g) => [g.config.role_definition_name, String(g.config.scope).replace(/^.*}/, '')]).sort(), [
        ['Key Vault Secrets User', `/secrets/${docker.passwordSecret}`],
        ['Key Vault Secrets User', `/secrets/${docker.usernameSecret}`],
      ]);
    });
  });

  describe(`${envName}-platform: node pools`, () => {
    const pools = platform.of('azurerm_kubernetes_cluster_node_pool');
    const workload = pools.find((p) => p.config.name === 'workload')!;
    const gpu = pools.find((p) => p.config.name === 'gpu')!;

    it('has the workload and gpu user pools on the node subnet', () => {
      assert.deepEqual(pools.map((p) => p.config.name).sort(), ['gpu', 'workload']);
      for (const p of pools) {
        assert.equal(p.config.mode, 'User');
        assert.equal(p.config.kubernetes_cluster_id, refId(cluster));
        assert.equal(p.config.vnet_subnet_id, aks.default_node_pool.vnet_subnet_id);
        assert.equal(p.config.host_encryption_enabled, true);
        assert.equal(p.config.os_sku, 'AzureLinux');
        assert.equal(p.config.auto_scaling_enabled, true);
      }
      assert.equal(workload.config.node_taints.length, 0);
    });

    it('gpu pool is tainted NoSchedule, labelled, and scales from zero', () => {
      const spec = env.aks.nodePools.gpu;
      assert.ok(gpu.config.node_taints.includes('nvidia.com/gpu=present:NoSchedule'));
      assert.ok(gpu.config.node_taints.includes('sku=gpu:NoSchedule'));
      assert.equal(gpu.config.node_labels.sku, 'gpu');
      assert.equal(gpu.config.node_labels['platform.example.org/gpu-model'], spec.gpuModel);
      assert.equal(gpu.config.vm_size, spec.vmSize);
      assert.equal(gpu.config.min_count, 0);
      assert.equal(gpu.config.max_count, spec.maxCount);
      assert.equal(gpu.config.gpu_driver, 'Install');
    });

    it('spot capacity only when configured, with its own taint', () => {
      const spot = env.aks.nodePools.gpu.spot.enabled;
      const spotTaint = 'kubernetes.azure.com/scalesetpriority=spot:NoSchedule';
      assert.equal(gpu.config.priority, spot ? 'Spot' : undefined);
      assert.equal(gpu.config.node_taints.includes(spotTaint), spot);
      if (spot) assert.equal(gpu.config.eviction_policy, 'Delete');
    });
  });

  describe(`${envName}-platform: registry, vault, logs, DNS`, () => {
    const pe = (sub: string) => platform.of('azurerm_private_endpoint').find((p) => p.config.private_service_connection.subresource_names[0] === sub)!;

    it('ACR: Premium, no admin user, no anonymous pull, private endpoint, AcrPull for the kubelet identity only', () => {
      const acr = platform.one('azurerm_container_registry');
      assert.equal(acr.config.sku, 'Premium');
      assert.equal(acr.config.admin_enabled, false);
      assert.equal(acr.config.anonymous_pull_enabled, false);
      assert.equal(acr.config.public_network_access_enabled, env.publicNetworkAccess);
      assert.equal(pe('registry').config.private_service_connection.private_connection_resource_id, refId(acr));
      assert.match(pe('registry').config.private_dns_zone_group.private_dns_zone_ids[0], /dns-acr/);
      const pulls = platform.of('azurerm_role_assignment').filter((r) => r.config.role_definition_name === 'AcrPull');
      assert.equal(pulls.length, 1);
      assert.equal(pulls[0].config.scope, refId(acr));
      assert.equal(pulls[0].config.principal_id, aks.kubelet_identity.object_id);
    });

    it('Key Vault: RBAC mode, purge protection, soft delete, deny-by-default network, private endpoint', () => {
      const kv = platform.one('azurerm_key_vault');
      assert.equal(kv.config.rbac_authorization_enabled, true);
      assert.equal(kv.config.purge_protection_enabled, true);
      assert.equal(kv.config.soft_delete_retention_days, env.keyVault.softDeleteRetentionDays);
      assert.equal(kv.config.public_network_access_enabled, false);
      assert.equal(kv.config.network_acls.default_action, 'Deny');
      assert.equal(kv.config.access_policy, undefined);
      assert.equal(pe('vault').config.private_service_connection.private_connection_resource_id, refId(kv));
    });

    it('Log Analytics: Entra ID only, retention from config', () => {
      const law = platform.one('azurerm_log_analytics_workspace');
      assert.equal(law.config.local_authentication_enabled, false);
      assert.equal(law.config.retention_in_days, env.logAnalytics.retentionDays);
    });

    it('every resource with diagnostics sends them to the environment workspace', () => {
      const targets = platform.of('azurerm_monitor_diagnostic_setting').map((d) => d.config.target_resource_id).sort();
      const expected = ['azurerm_kubernetes_cluster', 'azurerm_container_registry', 'azurerm_key_vault'].map((t) => refId(platform.one(t)));
      const firewall = targets.filter((t) => /cross-stack-output-azurerm_firewallegress-firewall_(firewall_)?[0-9A-F]+id/.test(t));
      assert.equal(firewall.length, env.network.egressFirewall.enabled ? 1 : 0, 'the firewall logs to the workspace');
      assert.deepEqual(targets.filter((t) => !firewall.includes(t)), expected.sort());
    });

    it('public DNS zone for the environment domain', () => {
      assert.equal(platform.one('azurerm_dns_zone').config.name, env.dns.zoneName);
    });

    it('references the network stack through remote state, not copies', () => {
      const remote = platform.json.data.terraform_remote_state[`cross-stack-reference-input-${envName}-network`];
      assert.equal(remote.backend, 'azurerm');
      assert.equal(remote.config.key, `${envName}-network.tfstate`);
      assert.equal(network.json.terraform.backend.azurerm.key, `${envName}-network.tfstate`);
      assert.match(aks.default_node_pool.vnet_subnet_id, /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-/);
      assert.deepEqual(app.manifest.stacks[`${envName}-platform`].dependencies, [`${envName}-network`]);
    });
  });
}
