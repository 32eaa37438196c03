/** Log Analytics and the diagnostic settings that send resource logs to it. */
import { Construct } from 'constructs';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';

export interface WorkspaceProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly retentionDays: number;
  /** -1 means no cap; a cap silently drops logs once reached, so it is opt-in. */
  readonly dailyQuotaGb: number;
}

export class Workspace extends Construct {
  readonly workspace: LogAnalyticsWorkspace;

  constructor(scope: Construct, id: string, props: WorkspaceProps) {
    super(scope, id);
    this.workspace = new LogAnalyticsWorkspace(this, 'workspace', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: 'PerGB2018',
      retentionInDays: props.retentionDays,
      dailyQuotaGb: props.dailyQuotaGb,
      // Entra ID only: no shared workspace keys that could leak into agents' config.
      localAuthenticationEnabled: false,
      allowResourceOnlyPermissions: true,
    });
  }
}

export interface DiagnosticsProps {
  readonly name: string;
  readonly targetResourceId: string;
  readonly workspaceId: string;
  /** Explicit log categories; use when the resource's "allLogs" group is too noisy or costly. */
  readonly categories?: string[];
  /** Category groups such as `allLogs` or `audit`. */
  readonly categoryGroups?: string[];
  readonly metrics?: boolean;
}

export class Diagnostics extends Construct {
  readonly setting: MonitorDiagnosticSetting;

  constructor(scope: Construct, id: string, props: DiagnosticsProps) {
    super(scope, id);
    const logs = [
      ...(props.categories ?? []).map((category) => ({ category })),
      ...(props.categoryGroups ?? []).map((categoryGroup) => ({ categoryGroup })),
    ];
    if (logs.length === 0 && props.metrics === false) throw new Error(`diagnostic setting ${props.name} sends nothing`);
    this.setting = new MonitorDiagnosticSetting(this, 'setting', {
      name: props.name,
      targetResourceId: props.targetResourceId,
      logAnalyticsWorkspaceId: props.workspaceId,
      // Resource-specific tables are cheaper to query and to retain than AzureDiagnostics.
      logAnalyticsDestinationType: 'Dedicated',
      ...(logs.length ? { enabledLog: logs } : {}),
      ...(props.metrics === false ? {} : { enabledMetric: [{ category: 'AllMetrics' }] }),
    });
  }
}
