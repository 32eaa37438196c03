/**
 * A monthly Azure consumption budget over everything tagged with one tenant, with e-mail alerts
 * at each declared threshold of actual spend and one at 100 % of forecast spend.
 */
import { Construct } from 'constructs';
import { ConsumptionBudgetSubscription } from '@cdktf/provider-azurerm/lib/consumption-budget-subscription';

export interface TenantBudgetProps {
  readonly name: string;
  readonly subscriptionId: string;
  readonly amount: number;
  readonly thresholds: number[];
  readonly contactEmails: string[];
  /** Tag filter: the budget counts resources with this tag value. */
  readonly tag: { name: string; value: string };
}

export class TenantBudget extends Construct {
  readonly budget: ConsumptionBudgetSubscription;

  constructor(scope: Construct, id: string, props: TenantBudgetProps) {
    super(scope, id);
    this.budget = new ConsumptionBudgetSubscription(this, 'budget', {
      name: props.name,
      subscriptionId: props.subscriptionId,
      amount: props.amount,
      timeGrain: 'Monthly',
      // Azure wants the first day of the current month; evaluated at apply time, then left alone.
      timePeriod: { startDate: "${formatdate(\"YYYY-MM-01'T'00:00:00Z\", timestamp())}" },
      filter: { tag: [{ name: props.tag.name, operator: 'In', values: [props.tag.value] }] },
      notification: [
        ...props.thresholds.map((threshold) => ({
          enabled: true,
          threshold,
          operator: 'GreaterThanOrEqualTo',
          thresholdType: 'Actual',
          contactEmails: props.contactEmails,
        })),
        { enabled: true, threshold: 100, operator: 'GreaterThanOrEqualTo', thresholdType: 'Forecasted', contactEmails: props.contactEmails },
      ],
      lifecycle: { ignoreChanges: ['time_period[0].start_date'] },
    });
  }
}
