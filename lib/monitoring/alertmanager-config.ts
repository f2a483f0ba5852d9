/** Alertmanager's configuration (alertmanager.yml): receivers and routes by severity. */

export interface AlertmanagerConfigProps {
  /** Path of the file holding the Slack-compatible webhook URL, inside the Alertmanager pod. */
  readonly webhookUrlFile: string;
}

/** The alertmanager.yml object. (A minimal placeholder: one Slack receiver, routed by severity.) */
export function alertmanagerConfig(props: AlertmanagerConfigProps): Record<string, unknown> {
  return {
    route: {
      receiver: 'slack',
      group_by: ['alertname', 'environment'],
      routes: [{ matchers: ['severity="critical"'], receiver: 'slack', repeat_interval: '1h' }],
    },
    receivers: [
      { name: 'slack', slack_configs: [{ api_url_file: props.webhookUrlFile, send_resolved: true }] },
    ],
  };
}
