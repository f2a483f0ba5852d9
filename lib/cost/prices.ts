/**
 * The prices the cost planner multiplies by: on-demand, Linux, per region, in USD. Spot
 * instances, Savings Plans and Reserved Instances would lower the EC2 lines; data transfer
 * and NAT data processing are not priced (they depend on what users download).
 *
 * The us-west-2 (Oregon) table was written down on 2026-12-03 and checked on 2026-12-04
 * against stored public pages (no live price list is reachable from where this repository
 * is built). Each price records what was found in {@link PriceTable.sources}: the page, the
 * date, and the region the page states. No page found contradicts a price; most pages state
 * US East (N. Virginia) prices, and several prices have no page at all (docs/cost.md lists
 * which). Verify them before a budget decision, and pass a file of your own with
 * `npm run cost -- --prices FILE` for another region or a discount.
 */
import { readFileSync } from 'fs';

export interface PriceTable {
  /** Where the figures come from and when, shown in every estimate. */
  readonly source: string;
  readonly region: string;
  /** Per instance hour, by instance type. */
  readonly instanceHour: Readonly<Record<string, number>>;
  /** One EKS control plane, per hour (standard support). */
  readonly eksClusterHour: number;
  /** One NAT gateway, per hour (data processing not included). */
  readonly natGatewayHour: number;
  /** One network load balancer, per hour (LCUs not included: a hub uses a fraction of one). */
  readonly loadBalancerHour: number;
  /** EFS Standard storage, per GB-month. */
  readonly efsGbMonth: number;
  /** EBS gp3 storage, per GB-month (node root volumes, Prometheus and Grafana disks). */
  readonly ebsGp3GbMonth: number;
  /**
   * Where each price was checked, by field name (`eksClusterHour`, ...) or instance type.
   * A price without an entry has no source. @default none (a price file need not say)
   */
  readonly sources?: Readonly<Record<string, PriceSource>>;
}

/** A public page that states a price, as checked. */
export interface PriceSource {
  readonly url: string;
  /** When the page was read, YYYY-MM-DD. */
  readonly checked: string;
  /** The page's publication date, when it shows one. */
  readonly published?: string;
  /** The region the page states the price for; `unstated` when it names none. */
  readonly region: 'us-west-2' | 'us-east-1' | 'unstated' | 'every region';
  /** What the page says, in brief. */
  readonly says: string;
}

const CHECKED = '2026-12-04';

export const HOURS_PER_MONTH = 730;

export const PINNED_PRICES: Readonly<Record<string, PriceTable>> = {
  'us-west-2': {
    source:
      'AWS on-demand list prices, US West (Oregon), Linux, written down 2026-12-03, checked against public pages 2026-12-04 (docs/cost.md)',
    region: 'us-west-2',
    instanceHour: {
      'm5.large': 0.096,
      'm5.xlarge': 0.192,
      'm5.2xlarge': 0.384,
      'm5.4xlarge': 0.768,
      'm5.8xlarge': 1.536,
      'm5.12xlarge': 2.304,
      'm5.16xlarge': 3.072,
      'm5.24xlarge': 4.608,
      'g4dn.xlarge': 0.526,
      'g4dn.2xlarge': 0.752,
      'g4dn.4xlarge': 1.204,
      'g4dn.8xlarge': 2.176,
      'g4dn.12xlarge': 3.912,
      'g5.xlarge': 1.006,
      'g5.2xlarge': 1.212,
      'g5.4xlarge': 1.624,
    },
    eksClusterHour: 0.1,
    natGatewayHour: 0.045,
    loadBalancerHour: 0.0225,
    efsGbMonth: 0.3,
    ebsGp3GbMonth: 0.08,
    sources: {
      'm5.large': {
        url: 'https://kindatechnical.com/aws-eks/lesson-31-understanding-eks-pricing.html',
        checked: CHECKED,
        region: 'unstated',
        says: 'sample on-demand rate m5.large $0.096 per hour',
      },
      'm5.xlarge': {
        url: 'https://kindatechnical.com/aws-eks/lesson-31-understanding-eks-pricing.html',
        checked: CHECKED,
        region: 'unstated',
        says: 'sample on-demand rate m5.xlarge $0.192 per hour',
      },
      'g5.xlarge': {
        url: 'https://www.factualminds.com/blog/amazon-ec2-on-demand-pricing-instance-families-2026/',
        checked: CHECKED,
        published: '2026-06-17',
        region: 'us-east-1',
        says: 'g5.xlarge $1.006/hr in us-east-1, June 2026',
      },
      eksClusterHour: {
        url: 'https://www.factualminds.com/blog/amazon-eks-pricing-control-plane-addons-auto-mode/',
        checked: CHECKED,
        published: '2026-06-13',
        region: 'every region',
        says: 'control plane $0.10 per cluster hour; extended support adds $0.50 per hour',
      },
      natGatewayHour: {
        url: 'https://cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026/',
        checked: CHECKED,
        region: 'us-west-2',
        says: 'US West (Oregon, N. California) about $0.045 an hour and about $0.045 per GB processed',
      },
      loadBalancerHour: {
        url: 'https://clustercost.com/blog/network-load-balancer-pricing-2025',
        checked: CHECKED,
        region: 'us-east-1',
        says: 'NLB $0.0225 per hour in US-East-1 (2025); NLCUs extra',
      },
      efsGbMonth: {
        url: 'http://aws.amazon.com/efs/pricing/',
        checked: CHECKED,
        region: 'unstated',
        says: "AWS's EFS pricing page (stored copy): $0.30/GB-month",
      },
      ebsGp3GbMonth: {
        url: 'https://www.webuildup.live/2026/04/ebs-gp2-vs-gp3-why-gp3-wins-on-cost-and.html',
        checked: CHECKED,
        published: '2026-04',
        region: 'us-east-1',
        says: 'gp3 $0.08/GB-month in us-east-1, 3,000 IOPS included',
      },
    },
  },
};

/** The pinned table for `region`; an error naming the regions there are when it has none. */
export function pinnedPrices(region: string): PriceTable {
  const table = PINNED_PRICES[region];
  if (!table) {
    throw new Error(
      `no pinned prices for region ${region} (pinned: ${Object.keys(PINNED_PRICES).join(', ')}); pass --prices FILE`,
    );
  }
  return table;
}

const NUMBER_FIELDS = [
  'eksClusterHour',
  'natGatewayHour',
  'loadBalancerHour',
  'efsGbMonth',
  'ebsGp3GbMonth',
] as const satisfies readonly (keyof PriceTable)[];

/** Reads a price table from a JSON file, checking every field; errors name the file and field. */
export function readPriceFile(path: string): PriceTable {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  const price = (field: string, value: unknown) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      problems.push(`${field}: ${JSON.stringify(value)} is not a price (a number of USD, 0 or more)`);
  };
  for (const field of ['source', 'region'] as const) {
    if (typeof json?.[field] !== 'string' || !json[field])
      problems.push(`${field}: must be a non-empty string`);
  }
  for (const field of NUMBER_FIELDS) price(field, json?.[field]);
  const instances = json?.instanceHour;
  if (typeof instances !== 'object' || instances === null || Array.isArray(instances)) {
    problems.push('instanceHour: must map instance types to prices per hour');
  } else {
    for (const [type, value] of Object.entries(instances)) price(`instanceHour.${type}`, value);
  }
  if (problems.length) throw new Error(`${path}:\n  - ${problems.join('\n  - ')}`);
  return json as unknown as PriceTable;
}
