import { TerraformStack, Testing } from 'cdktf';
import { DomainName } from '../../../lib/network/domain-name';
import { StackJson } from '../../support/synth';

function synth(certificate?: boolean): StackJson {
  const stack = new TerraformStack(Testing.app(), 'probe');
  new DomainName(stack, 'domain', { name: 'hub.example.org', hostedZone: 'example.org', certificate });
  return JSON.parse(Testing.synth(stack));
}

describe('DomainName', () => {
  const json = synth();
  const only = (group: StackJson) => {
    const bodies = Object.values(group ?? {}) as StackJson[];
    expect(bodies).toHaveLength(1);
    return bodies[0];
  };

  it('looks up the public zone, never a private one of the same name', () => {
    expect(only(json.data.aws_route53_zone)).toMatchObject({ name: 'example.org', private_zone: false });
  });

  it("issues a DNS-validated certificate for the hub's name, replaced before the old one is released", () => {
    expect(only(json.resource.aws_acm_certificate)).toMatchObject({
      domain_name: 'hub.example.org',
      validation_method: 'DNS',
      lifecycle: { create_before_destroy: true },
    });
  });

  it('writes one validation record per validation option into the zone, and waits for validation', () => {
    const record = only(json.resource.aws_route53_record);
    expect(record.for_each).toMatch(/aws_acm_certificate\.domain_certificate_\w+\.domain_validation_options/);
    expect(record.zone_id).toMatch(/^\$\{data\.aws_route53_zone\.domain_zone_\w+\.zone_id\}$/);
    expect(record.records).toEqual(['${each.value.resource_record_value}']);
    const validation = only(json.resource.aws_acm_certificate_validation);
    expect(validation.certificate_arn).toMatch(/aws_acm_certificate\.domain_certificate_\w+\.arn/);
    expect(validation.validation_record_fqdns).toMatch(/aws_route53_record\.domain_validation_\w+/);
  });

  it('issues no certificate when HTTPS comes from elsewhere (Let’s Encrypt)', () => {
    const bare = synth(false);
    expect(bare.data.aws_route53_zone).toBeDefined();
    expect(bare.resource).toBeUndefined();
  });
});
