import type { LookupAddress } from "node:dns";
import t from "tap";
import { isPublicAddress, literalAddressProblem, privateAwareLookup, urlProblem } from "../src/notify/url-guard.js";

// Real addresses of every class a notification must never reach.
const REFUSED: Record<string, string[]> = {
  "IPv4 loopback": ["127.0.0.1", "127.255.255.254"],
  "IPv4 private": ["10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1"],
  "IPv4 link-local (cloud metadata)": ["169.254.169.254"],
  "carrier-grade NAT": ["100.64.0.1", "100.127.255.254"],
  "IPv4 multicast": ["224.0.0.1", "239.255.255.250"],
  "IPv4 reserved": ["240.0.0.1", "192.0.0.8", "192.88.99.1"],
  "IPv4 documentation": ["192.0.2.1", "198.51.100.7", "203.0.113.9"],
  "IPv4 benchmarking": ["198.18.0.1", "198.19.255.254"],
  "IPv4 unspecified (this network)": ["0.0.0.0", "0.1.2.3"],
  broadcast: ["255.255.255.255"],
  "IPv6 loopback": ["::1"],
  "IPv6 unspecified": ["::"],
  "IPv6 link-local": ["fe80::1", "fe80::1%lo"],
  "unique-local": ["fc00::1", "fd12:3456:789a::1"],
  "site-local": ["fec0::1"],
  "IPv6 multicast": ["ff02::1", "ff0e::fb"],
  "IPv4-mapped (even of a public IPv4)": ["::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1", "::ffff:93.184.216.34"],
  "IPv4-compatible": ["::7f00:1", "::127.0.0.1", "::5db8:d822"],
  "NAT64": ["64:ff9b::7f00:1", "64:ff9b::5db8:d822", "64:ff9b:1::a00:1"],
  "6to4": ["2002:7f00:1::1", "2002:5db8:d822::1"],
  Teredo: ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::1"],
  discard: ["100::1"],
  ORCHID: ["2001:10::1", "2001:20::1"],
  "IPv6 documentation": ["2001:db8::1", "3fff::1"],
  "IPv6 benchmarking": ["2001:2::1"],
  "IPv6 outside global unicast": ["5f00::1", "4000::1"],
};
const PUBLIC = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001:82b::200e"];

t.test("only globally routable unicast addresses are public", async (t) => {
  for (const [kind, addresses] of Object.entries(REFUSED)) {
    for (const address of addresses) t.equal(isPublicAddress(address), false, `${kind}: ${address}`);
  }
  for (const address of PUBLIC) t.equal(isPublicAddress(address), true, address);
  t.equal(isPublicAddress("example.com"), false, "a name is not an address");
  t.equal(isPublicAddress("0x7f.1"), false, "odd IPv4 notations are not addresses here (URLs normalise them first)");
});

t.test("urlProblem refuses private hosts, whatever their notation", async (t) => {
  const refused = [
    "http://127.0.0.1:9/x",
    "http://2130706433/",
    "http://0x7f.1/",
    "http://127.1/",
    "http://017700000001/",
    "http://0/",
    "http://127.0.0.1./",
    "http://10.1.2.3/x",
    "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/",
    "http://[::1]/x",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:93.184.216.34]/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::1]/",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    "http://[fd00::1]:8080/x",
    "http://[fec0::1]/",
    "http://localhost/x",
    "http://localhost./x",
    "http://LOCALHOST:8080/x",
    "http://api.localhost/x",
  ];
  for (const url of refused) t.match(urlProblem(url, false), /loopback or private/, url);
  for (const url of ["https://93.184.216.34/hook", "https://[2606:4700::1111]/hook", "https://hooks.example.com/services/x"]) {
    t.equal(urlProblem(url, false), null, url);
  }
  t.equal(urlProblem("http://127.0.0.1:9/x", true), null, "allowed when private URLs are allowed");
  t.match(urlProblem("ftp://example.com/x", false), /must be http or https/);
  t.match(urlProblem("not a url", false), /not a URL/);
});

t.test("literalAddressProblem: the notifier's check for IP literals, which skip DNS", async (t) => {
  t.match(literalAddressProblem("http://2130706433:8080/x"), /^refused: 127\.0\.0\.1 is a private or reserved address$/);
  t.match(literalAddressProblem("http://[::ffff:10.0.0.1]/"), /^refused: ::ffff:a00:1 /);
  t.equal(literalAddressProblem("https://93.184.216.34/"), null);
  t.equal(literalAddressProblem("https://hooks.example.com/"), null, "names are checked when they resolve");
});

const resolve = (hostname: string, all: boolean) =>
  new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[] }>((done) =>
    privateAwareLookup(hostname, { all }, (error, address) => done({ error, address })),
  );

t.test("privateAwareLookup refuses names that resolve to private addresses", async (t) => {
  for (const all of [false, true]) {
    const { error } = await resolve("localhost", all);
    t.equal(error?.code, "EPRIVATE", `localhost refused (all: ${all})`);
    t.match(error?.message, /^refused: localhost resolves to private or reserved address (127\.0\.0\.1|::1)$/);
  }
  const literal = await resolve("10.0.0.1", false);
  t.equal(literal.error?.code, "EPRIVATE", "a literal handed to the lookup is refused too");
  const publicAddress = await resolve("93.184.216.34", true);
  t.equal(publicAddress.error, null);
  t.same(publicAddress.address, [{ address: "93.184.216.34", family: 4 }], "public addresses pass through unchanged");
});
