/**
 * What Grafana's CloudWatch datasource needs to read metrics (EFS, load balancers) and
 * nothing else: no logs, no writes. CloudWatch's read actions take no resource-level
 * permissions, so the resource is `*`; the actions are the whole restriction.
 */
import { PolicyStatement } from '../iam/policy-document';

export function cloudWatchReadStatements(): PolicyStatement[] {
  return [
    {
      Sid: 'ReadMetrics',
      Effect: 'Allow',
      Action: [
        'cloudwatch:DescribeAlarmsForMetric',
        'cloudwatch:DescribeAlarmHistory',
        'cloudwatch:DescribeAlarms',
        'cloudwatch:ListMetrics',
        'cloudwatch:GetMetricData',
        'cloudwatch:GetInsightRuleReport',
      ],
      Resource: '*',
    },
    {
      Sid: 'ResolveDimensions',
      Effect: 'Allow',
      Action: ['ec2:DescribeTags', 'ec2:DescribeInstances', 'ec2:DescribeRegions', 'tag:GetResources'],
      Resource: '*',
    },
  ];
}
