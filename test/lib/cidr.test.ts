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

  it.each(['255.255.255.255/32', '10.0.0.16/28', '10.0.0.192/26', '0.0.0.0/1', '128.0.0.0/1', '10.0.0.0/8'])(
    'parses %j and prints it back unchanged',
    (text) => {
      expect(cidrToString(cidr(text))).toBe(text);
    },
  );

  it.each([
    '10.0.0.1/16',
    '10.0.0.0',
    '256.0.0.0/8',
    '10.256.0.0/16',
    '10.0.256.0/24',
    '10.0.0.256/32',
    '10.0.0.0/33',
    'ten/8',
    '10.0.0.0/-1',
    ' 10.0.0.0/16',
    '10.0.0.0/16 ',
    'x10.0.0.0/16',
    '10.0.0.0/16x',
    '10.0.0.0/016',
    '1000.0.0.0/8',
  ])('rejects %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it('detects overlap and adjacency', () => {
    expect(cidrsOverlap(cidr('10.0.0.0/16'), cidr('10.0.128.0/17'))).toBe(true);
    expect(cidrsOverlap(cidr('10.0.0.0/16'), cidr('10.1.0.0/16'))).toBe(false);
    expect(cidrsOverlap(cidr('0.0.0.0/0'), cidr('192.168.0.0/24'))).toBe(true);
    expect(cidrsOverlap(cidr('192.168.0.0/24'), cidr('0.0.0.0/0'))).toBe(true);
    expect(cidrsOverlap(cidr('10.1.0.0/16'), cidr('10.0.0.0/16'))).toBe(false);
    // Adjacent in either order, down to single addresses.
    expect(cidrsOverlap(cidr('10.0.0.0/32'), cidr('10.0.0.1/32'))).toBe(false);
    expect(cidrsOverlap(cidr('10.0.0.1/32'), cidr('10.0.0.0/32'))).toBe(false);
    expect(cidrsOverlap(cidr('10.0.0.1/32'), cidr('10.0.0.1/32'))).toBe(true);
    expect(cidrsOverlap(cidr('10.0.0.0/24'), cidr('10.0.0.255/32'))).toBe(true);
    expect(cidrsOverlap(cidr('10.0.0.255/32'), cidr('10.0.0.0/24'))).toBe(true);
  });

  it('cuts subnets like Terraform cidrsubnet', () => {
    expect(cidrToString(cidrSubnet(cidr('10.30.0.0/16'), 3, 0))).toBe('10.30.0.0/19');
    expect(cidrToString(cidrSubnet(cidr('10.30.0.0/16'), 3, 7))).toBe('10.30.224.0/19');
    expect(cidrToString(cidrSubnet(cidr('10.30.224.0/19'), 3, 2))).toBe('10.30.232.0/22');
    expect(() => cidrSubnet(cidr('10.30.0.0/16'), 3, 8)).toThrow(/cannot cut subnet 8/);
    expect(cidrToString(cidrSubnet(cidr('10.30.0.0/24'), 8, 255))).toBe('10.30.0.255/32');
    expect(() => cidrSubnet(cidr('10.30.0.0/24'), 9, 0)).toThrow(
      'cannot cut subnet 0 of /33 from 10.30.0.0/24',
    );
  });
});
