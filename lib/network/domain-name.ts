import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { TerraformIterator, Token } from 'cdktf';
import { Construct } from 'constructs';

export interface DomainNameProps {
  /** The DNS name, e.g. hub.example.org or grafana.example.org. */
  readonly name: string;
  /** The public Route 53 zone that holds it. */
  readonly hostedZone: string;
  /** Issue an ACM certificate for the name, validated through the zone. @default true */
  readonly certificate?: boolean;
}

/**
 * A service's place in DNS (the hub, Grafana, the metrics receiver): its public Route 53
 * zone and, for HTTPS through ACM, a certificate for its name validated with DNS records
 * in that zone. AWS provider only, so it lives in a cluster stack; the platform stack
 * points the name at the NLB (LoadBalancerDnsRecord).
 */
export class DomainName extends Construct {
  readonly zone: DataAwsRoute53Zone;
  /** ARN of the validated certificate: referencing it waits for validation. Undefined without one. */
  readonly certificateArn?: string;

  constructor(scope: Construct, id: string, props: DomainNameProps) {
    super(scope, id);
    this.zone = new DataAwsRoute53Zone(this, 'zone', { name: props.hostedZone, privateZone: false });
    if (props.certificate === false) return;

    const certificate = new AcmCertificate(this, 'certificate', {
      domainName: props.name,
      validationMethod: 'DNS',
      keyAlgorithm: 'EC_prime256v1',
      // A replacement is issued before the old certificate is released by the NLB.
      lifecycle: { createBeforeDestroy: true },
    });
    const options = TerraformIterator.fromComplexList(certificate.domainValidationOptions, 'domain_name');
    const records = new Route53Record(this, 'validation', {
      forEach: options,
      zoneId: this.zone.zoneId,
      name: options.getString('resource_record_name'),
      type: options.getString('resource_record_type'),
      records: [options.getString('resource_record_value')],
      ttl: 300,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, 'validated', {
      certificateArn: certificate.arn,
      validationRecordFqdns: Token.asList(TerraformIterator.fromResources(records).pluckProperty('fqdn')),
    });
    this.certificateArn = validation.certificateArn;
  }
}
