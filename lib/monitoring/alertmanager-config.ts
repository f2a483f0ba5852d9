/**
 * Alertmanager's configuration (alertmanager.yml): one Slack-compatible receiver per
 * severity, each reading the webhook URL from a file (a mounted secret, never in the
 * config), and a route per severity, so an alert reaches the receiver its severity names.
 * An alert without a known severity goes to the warning receiver rather than nowhere.
 */
import { SEVERITIES, Severity } from './rules';

export interface AlertmanagerConfigProps {
  /** Path, inside the Alertmanager container, of the file holding the Slack webhook URL. */
  readonly webhookUrlFile: string;
  /**
   * Slack channel per severity, for webhooks that may post to more than one channel.
   * @default the webhook's own channel for every severity
   */
  readonly channels?: Partial<Readonly<Record<Severity, string>>>;
  /**
   * How often a still-firing alert is sent again, per severity.
   * @default critical 1h, warning 4h, info 24h
   */
  readonly repeatInterval?: Partial<Readonly<Record<Severity, string>>>;
}

/** The receiver that alerts of `severity` reach. */
export const receiverFor = (severity: Severity): string => `slack-${severity}`;

const DEFAULT_REPEAT: Record<Severity, string> = { critical: '1h', warning: '4h', info: '24h' };
const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const CHANNEL = /^[#@]?[a-z0-9][a-z0-9._-]{0,79}$/;

const TITLE =
  '{{ if eq .Status "firing" }}[{{ .CommonLabels.severity | toUpper }}]{{ else }}[RESOLVED]{{ end }} {{ .CommonLabels.alertname }} ({{ .CommonLabels.environment }})';
const TEXT =
  '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\nWhat to do: {{ .Annotations.runbook_url }}\n{{ end }}';

function validate(props: AlertmanagerConfigProps): void {
  if (!props.webhookUrlFile.startsWith('/')) {
    throw new Error(
      `webhookUrlFile: "${props.webhookUrlFile}" must be an absolute path inside the container`,
    );
  }
  for (const [severity, value] of Object.entries(props.repeatInterval ?? {})) {
    if (!(SEVERITIES as readonly string[]).includes(severity)) {
      throw new Error(`repeatInterval.${severity}: not a severity; allowed are ${SEVERITIES.join(', ')}`);
    }
    if (!DURATION.test(value ?? '')) {
      throw new Error(`repeatInterval.${severity}: "${value}" is not a duration such as 30m or 4h`);
    }
  }
  for (const [severity, channel] of Object.entries(props.channels ?? {})) {
    if (!(SEVERITIES as readonly string[]).includes(severity)) {
      throw new Error(`channels.${severity}: not a severity; allowed are ${SEVERITIES.join(', ')}`);
    }
    if (!CHANNEL.test(channel ?? '')) {
      throw new Error(`channels.${severity}: "${channel}" is not a Slack channel name such as #hub-alerts`);
    }
  }
}

export function alertmanagerConfig(props: AlertmanagerConfigProps): Record<string, unknown> {
  validate(props);
  const repeat = { ...DEFAULT_REPEAT, ...props.repeatInterval };
  return {
    route: {
      receiver: receiverFor('warning'),
      group_by: ['alertname', 'environment'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: repeat.warning,
      routes: SEVERITIES.map((severity) => ({
        receiver: receiverFor(severity),
        matchers: [`severity="${severity}"`],
        repeat_interval: repeat[severity],
      })),
    },
    receivers: SEVERITIES.map((severity) => ({
      name: receiverFor(severity),
      slack_configs: [
        {
          api_url_file: props.webhookUrlFile,
          ...(props.channels?.[severity] ? { channel: props.channels[severity] } : {}),
          send_resolved: severity !== 'info',
          title: TITLE,
          text: TEXT,
        },
      ],
    })),
  };
}
