import { cidrSubnet, cidrToString, cidrsOverlap, parseCidr } from '../../lib/cidr';

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad test CIDR ${text}`);
  return parsed;
};

describe('CIDR arithmetic', () => {
  it('parses and prints canonical IPv4 networks', () => {
    expect(cidrToString(cidr('10.20.0.0/16'))).toBe('10.20.0.0/16');
    expect(cidrToString(cidr('0.0.0.0/0'))).toBe('0.0.0.0/0');
  });

  it.each(['10.0.0.1/16', '10.0.0.0', '256.0.0.0/8', '10.0.0.0/33', 'ten/8', '10.0.0.0/-1'])(
    'rejects %j',
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );

  it('detects overlap and adjacency', () => {
    expect(cidrsOverlap(cidr('10.0.0.0/16'), cidr('10.0.128.0/17'))).toBe(true);
    expect(cidrsOverlap(cidr('10.0.0.0/16'), cidr('10.1.0.0/16'))).toBe(false);
    expect(cidrsOverlap(cidr('0.0.0.0/0'), cidr('192.168.0.0/24'))).toBe(true);
  });

  it('cuts subnets like Terraform cidrsubnet', () => {
    expect(cidrToString(cidrSubnet(cidr('10.30.0.0/16'), 3, 0))).toBe('10.30.0.0/19');
    expect(cidrToString(cidrSubnet(cidr('10.30.0.0/16'), 3, 7))).toBe('10.30.224.0/19');
    expect(cidrToString(cidrSubnet(cidr('10.30.224.0/19'), 3, 2))).toBe('10.30.232.0/22');
    expect(() => cidrSubnet(cidr('10.30.0.0/16'), 3, 8)).toThrow(/cannot cut subnet 8/);
  });
});
