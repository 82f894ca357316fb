import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

/**
 * Named groups an egress list may use. `metadata` is inside `link-local` (IPv4) and inside
 * `private` (fd00:ec2::254 is in fc00::/7): it is listed on its own so that allowing a wider
 * group never opens the cloud metadata service by accident (the most specific rule wins).
 */
export const EGRESS_GROUPS = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'],
  'link-local': ['169.254.0.0/16', 'fe80::/10'],
  metadata: ['169.254.169.254/32', 'fd00:ec2::254/128'],
  unspecified: ['0.0.0.0/8', '::/128'],
  multicast: ['224.0.0.0/4', 'ff00::/8'],
  broadcast: ['255.255.255.255/32'],
} as const;

export type EgressGroup = keyof typeof EGRESS_GROUPS;

const GROUP_NAMES = Object.keys(EGRESS_GROUPS) as EgressGroup[];

/** Groups denied whatever the settings say, unless an allow entry at least as specific names them. */
const ALWAYS_DENIED: readonly EgressGroup[] = ['link-local', 'metadata', 'unspecified', 'multicast', 'broadcast'];

/** One entry of an egress list: a group name, or a CIDR (a bare address is a /32 or /128). */
export interface EgressEntry {
  /** As the rule names it: the group name, or the CIDR in normalized form (`10.0.0.0/8`). */
  name: string;
  cidrs: Cidr[];
}

/** An egress list entry that is neither a group, a CIDR nor an address. */
export class EgressListError extends Error {
  constructor(readonly entry: string) {
    super(`"${entry}" is not a CIDR, an IP address or a group (${GROUP_NAMES.join(', ')})`);
    this.name = 'EgressListError';
  }
}

const parseCidr = (text: string): Cidr => ipaddr.parseCIDR(text);

function groupEntry(group: EgressGroup): EgressEntry {
  return { name: group, cidrs: EGRESS_GROUPS[group].map(parseCidr) };
}

/** One entry of a list; throws EgressListError naming it when it is none of the three. */
function parseEntry(entry: string): EgressEntry {
  const lower = entry.toLowerCase();
  if ((GROUP_NAMES as string[]).includes(lower)) return groupEntry(lower as EgressGroup);
  try {
    if (entry.includes('/')) {
      // Only the strict four-part IPv4 form: `10/8` or `0x0a.0.0.0/8` would be surprising in a setting.
      if (!ipaddr.IPv6.isValidCIDR(entry) && !ipaddr.IPv4.isValidCIDRFourPartDecimal(entry)) throw new EgressListError(entry);
      const [address, bits] = parseCidr(entry);
      const mapped = unmapCidr([address, bits]);
      const network = mapped[0].kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${mapped[0]}/${mapped[1]}`) : ipaddr.IPv6.networkAddressFromCIDR(`${mapped[0]}/${mapped[1]}`);
      return { name: `${network.toString()}/${mapped[1]}`, cidrs: [[network, mapped[1]]] };
    }
    if (!ipaddr.IPv6.isValid(entry) && !ipaddr.IPv4.isValidFourPartDecimal(entry)) throw new EgressListError(entry);
    const address = normalize(ipaddr.parse(entry));
    const bits = address.kind() === 'ipv4' ? 32 : 128;
    return { name: `${address.toString()}/${bits}`, cidrs: [[address, bits]] };
  } catch (error) {
    if (error instanceof EgressListError) throw error;
    throw new EgressListError(entry);
  }
}

/**
 * `VIGIL_EGRESS_ALLOW` / `VIGIL_EGRESS_DENY` text: entries separated by commas or spaces, each a
 * group (`loopback`, `private`, `link-local`, `metadata`, `unspecified`, `multicast`,
 * `broadcast`), a CIDR or an address. Empty or blank text is an empty list.
 */
export function parseEgressList(text: string | undefined): EgressEntry[] {
  if (text === undefined) return [];
  return text
    .split(/[\s,]+/)
    .filter((entry) => entry !== '')
    .map(parseEntry);
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach an IPv4 address: judge that one. */
function normalize(address: Address): Address {
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
    if (v6.match(NAT64)) return new ipaddr.IPv4(v6.toByteArray().slice(12));
  }
  return address;
}

const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');

function unmapCidr([address, bits]: Cidr): Cidr {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) return [(address as ipaddr.IPv6).toIPv4Address(), bits - 96];
  return [address, bits];
}

export type EgressRuleKind = 'always' | 'default' | 'allow' | 'deny';

export interface EgressDecision {
  allowed: boolean;
  /** The rule that decided, `<kind>:<entry>`: `always:link-local`, `default:loopback`, `deny:private`, `allow:10.1.0.0/16`, `default:public`. */
  rule: string;
  kind: EgressRuleKind;
  /** The address judged (an IPv4-mapped or NAT64 address as its IPv4 address). */
  address: string;
}

export interface EgressPolicySettings {
  allow?: readonly EgressEntry[];
  deny?: readonly EgressEntry[];
}

interface Rule {
  kind: EgressRuleKind;
  name: string;
  allowed: boolean;
  cidr: Cidr;
}

// When two rules are equally specific: an explicit deny, then an explicit allow, then the built-in ones.
const PRECEDENCE: Record<EgressRuleKind, number> = { deny: 0, allow: 1, always: 2, default: 3 };

export interface EgressPolicy {
  readonly allow: readonly EgressEntry[];
  readonly deny: readonly EgressEntry[];
  /** The decision for one IP address (any textual form ipaddr.js reads); throws on text that is not one. */
  decide(ip: string): EgressDecision;
  /**
   * The decision for a target's host as written: an IP literal (brackets allowed) or `localhost`
   * (and `*.localhost`, which resolve to loopback by RFC 6761); undefined for any other name,
   * which only its resolved addresses can decide.
   */
  decideHost(host: string): EgressDecision | undefined;
}

/** How many hosts and addresses a policy remembers its decision for. */
const MAX_REMEMBERED = 4096;

/**
 * The egress policy: the most specific rule matching an address decides (longest prefix), an
 * explicit deny before an explicit allow before the built-in rules when equally specific.
 * Built in: link-local, metadata, unspecified, multicast and broadcast always denied; loopback
 * denied; private ranges allowed; everything else (`default:public`) allowed.
 */
export function createEgressPolicy(settings: EgressPolicySettings = {}): EgressPolicy {
  const allow = settings.allow ?? [];
  const deny = settings.deny ?? [];
  const rules: Rule[] = [];
  const add = (kind: EgressRuleKind, allowed: boolean, entries: readonly EgressEntry[]) => {
    for (const entry of entries) for (const cidr of entry.cidrs) rules.push({ kind, name: entry.name, allowed, cidr });
  };
  add('deny', false, deny);
  add('allow', true, allow);
  add('always', false, ALWAYS_DENIED.map(groupEntry));
  add('default', false, [groupEntry('loopback')]);
  add('default', true, [groupEntry('private')]);

  const decideAddress = (address: Address): EgressDecision => {
    const judged = normalize(address);
    let best: Rule | undefined;
    for (const rule of rules) {
      if (rule.cidr[0].kind() !== judged.kind() || !judged.match(rule.cidr)) continue;
      const better =
        best === undefined || rule.cidr[1] > best.cidr[1] || (rule.cidr[1] === best.cidr[1] && PRECEDENCE[rule.kind] < PRECEDENCE[best.kind]);
      if (better) best = rule;
    }
    const text = judged.toString();
    if (best === undefined) return { allowed: true, rule: 'default:public', kind: 'default', address: text };
    return { allowed: best.allowed, rule: `${best.kind}:${best.name}`, kind: best.kind, address: text };
  };

  const decideHost = (host: string): EgressDecision | undefined => {
    const bare = host.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '').replace(/\.$/, '').toLowerCase();
    if (bare === 'localhost' || bare.endsWith('.localhost')) return decideAddress(ipaddr.parse('127.0.0.1'));
    // Any form the system resolver would read as an address (`0x7f.1`, `2130706433`) counts as one.
    if (!ipaddr.isValid(bare)) return undefined;
    return decideAddress(ipaddr.parse(bare));
  };

  // A runner asks about the same few hosts at every run: parsing and matching them again cost
  // more than the rest of a run's own bookkeeping. The rules never change, so neither do the
  // answers (frozen, as they are shared).
  return {
    allow,
    deny,
    decide: remembering((ip) => decideAddress(ipaddr.parse(ip.replace(/%.*$/, '')))),
    decideHost: remembering(decideHost),
  };
}

/** `decide`, remembering its answers; bounded by forgetting them all once full. A throw is not remembered. */
function remembering<T extends EgressDecision | undefined>(decide: (input: string) => T): (input: string) => T {
  const remembered = new Map<string, T>();
  return (input) => {
    const known = remembered.get(input);
    if (known !== undefined || remembered.has(input)) return known as T;
    const decision = decide(input);
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(input, (decision && Object.freeze(decision)) as T);
    return decision;
  };
}

/** No settings: loopback denied, private allowed, the always-denied groups denied. */
export const DEFAULT_EGRESS_POLICY: EgressPolicy = createEgressPolicy();
