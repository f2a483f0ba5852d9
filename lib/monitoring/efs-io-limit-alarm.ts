import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Construct } from 'constructs';

/** CloudWatch's namespace and metric for how close an EFS file system is to its I/O limit. */
export const EFS_IO_LIMIT_METRIC = { namespace: 'AWS/EFS', metricName: 'PercentIOLimit' } as const;

/** The section of docs/runbook.md that says what to do when it fires. */
export const EFS_IO_LIMIT_RUNBOOK_SECTION = 'efs-io-limit';

export interface EfsIoLimitAlarmProps {
  /** Prefix of the alarm's name, e.g. `hub-prod`. */
  readonly name: string;
  readonly fileSystemId: string;
  /**
   * The file system's performance mode: EFS reports PercentIOLimit for General Purpose
   * file systems only, so an alarm on any other would never leave INSUFFICIENT_DATA.
   */
  readonly performanceMode: string;
  /** The SNS topic notified when the alarm fires and when it clears. */
  readonly topicArn: string;
  /** @default 90 */
  readonly thresholdPercent?: number;
  /** Consecutive minutes above the threshold before it fires. @default 15 */
  readonly minutes?: number;
  /** Where its section of the runbook is, for the notification's text. @default none */
  readonly runbookUrl?: string;
}

/**
 * An alarm on the shared file system's PercentIOLimit (AWS/EFS, per FileSystemId, the
 * minute's average): fires when the file system has been above the threshold for the
 * given minutes in a row, and notifies again when it clears. This is what Prometheus
 * cannot see: the metric exists only in CloudWatch.
 */
export class EfsIoLimitAlarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: EfsIoLimitAlarmProps) {
    super(scope, id);
    const threshold = props.thresholdPercent ?? 90;
    const minutes = props.minutes ?? 15;
    if (props.performanceMode !== 'generalPurpose') {
      throw new Error(
        `EFS I/O limit alarm of ${props.name}: performance mode '${props.performanceMode}' reports no PercentIOLimit; only generalPurpose does`,
      );
    }
    if (!(threshold > 0 && threshold < 100)) {
      throw new Error(
        `EFS I/O limit alarm of ${props.name}: threshold ${threshold}% must be above 0 and below 100`,
      );
    }
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
      throw new Error(
        `EFS I/O limit alarm of ${props.name}: minutes ${minutes} must be a whole number from 1 to 1440`,
      );
    }
    this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
      alarmName: `${props.name}-efs-io-limit`,
      alarmDescription:
        `Shared storage of ${props.name} has been above ${threshold}% of its I/O limit for ${minutes} minutes: ` +
        'opening and saving files gets slow for everyone.' +
        (props.runbookUrl ? ` What to do: ${props.runbookUrl}` : ''),
      ...EFS_IO_LIMIT_METRIC,
      dimensions: { FileSystemId: props.fileSystemId },
      statistic: 'Average',
      period: 60,
      evaluationPeriods: minutes,
      datapointsToAlarm: minutes,
      threshold,
      comparisonOperator: 'GreaterThanThreshold',
      // An idle file system reports nothing to worry about.
      treatMissingData: 'notBreaching',
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
    });
  }
}
