// Which envelope recipients we take mail for: the configured bounce domains only, so the
// server is never an open relay. An entry with a leading dot (".bounces.example.com")
// also matches its subdomains.

export function recipientDomain(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  return address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
}

export function acceptsDomain(domain: string, bounceDomains: readonly string[]): boolean {
  return bounceDomains.some((d) => (d.startsWith('.') ? domain === d.slice(1) || domain.endsWith(d) : domain === d));
}
