/**
 * kube-proxy's chain names (pkg/proxy/iptables/proxier.go): `portProtoHash` and
 * `servicePortEndpointChainName` take SHA-256 of a string, encode it with standard base32
 * (RFC 4648, `A-Z2-7`) and keep the first 16 characters.
 *
 * The first 16 base32 characters are exactly the first 80 bits (10 bytes) of the digest, so only
 * those are encoded. SHA-256 itself is a small allocation-free implementation for the short ASCII
 * strings chain names are made of (a sync hashes one string per endpoint, so this is the hot path
 * of a large first sync); anything that is not ASCII goes through @noble/hashes.
 */
import { sha256 } from '@noble/hashes/sha2.js';

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const W = new Int32Array(64);
const H = new Int32Array(8);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function compress(): void {
  let a = H[0] as number;
  let b = H[1] as number;
  let c = H[2] as number;
  let d = H[3] as number;
  let e = H[4] as number;
  let f = H[5] as number;
  let g = H[6] as number;
  let h = H[7] as number;
  for (let i = 0; i < 64; i++) {
    let w: number;
    if (i < 16) w = W[i] as number;
    else {
      // The message schedule, extended as the rounds reach it.
      const w15 = W[i - 15] as number;
      const w2 = W[i - 2] as number;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      w = ((W[i - 16] as number) + s0 + (W[i - 7] as number) + s1) | 0;
      W[i] = w;
    }
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + (K[i] as number) + w) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = ((H[0] as number) + a) | 0;
  H[1] = ((H[1] as number) + b) | 0;
  H[2] = ((H[2] as number) + c) | 0;
  H[3] = ((H[3] as number) + d) | 0;
  H[4] = ((H[4] as number) + e) | 0;
  H[5] = ((H[5] as number) + f) | 0;
  H[6] = ((H[6] as number) + g) | 0;
  H[7] = ((H[7] as number) + h) | 0;
}

const INIT = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/**
 * SHA-256 of the ASCII string `a + b` into H (read from both parts: no concatenated string is
 * made); false if it is not ASCII.
 */
function sha256Ascii(a: string, b: string): boolean {
  const na = a.length;
  const n = na + b.length;
  H.set(INIT);
  // Padded message: the string, 0x80, zeros, the 64-bit bit length; in 64-byte blocks.
  const blocks = ((n + 8) >>> 6) + 1;
  let i = 0;
  for (let blk = 0; blk < blocks; blk++) {
    W.fill(0, 0, 16);
    const end = Math.min(n, (blk + 1) * 64);
    for (; i < end; i++) {
      const c = i < na ? a.charCodeAt(i) : b.charCodeAt(i - na);
      if (c > 0x7f) return false;
      const j = (i >> 2) & 15;
      W[j] = (W[j] as number) | (c << (24 - ((i & 3) << 3)));
    }
    const off = n - blk * 64;
    if (off >= 0 && off < 64) W[off >> 2] = (W[off >> 2] as number) | (0x80 << (24 - ((off & 3) << 3)));
    if (blk === blocks - 1) {
      W[14] = Math.floor(n / 0x20000000);
      W[15] = n << 3;
    }
    compress();
  }
  return true;
}

/** The 16 base32 digits, as character codes (one flat string is made of them at the end). */
const D = new Uint8Array(16);
const ALPHA = new Uint8Array(32);
for (let i = 0; i < 32; i++) ALPHA[i] = ALPHABET.charCodeAt(i);

/** The first 16 characters of base32(sha256(s)): the first 80 bits of the digest. */
export function hash16(s: string): string {
  digits(s, '');
  return String.fromCharCode(
    D[0] as number,
    D[1] as number,
    D[2] as number,
    D[3] as number,
    D[4] as number,
    D[5] as number,
    D[6] as number,
    D[7] as number,
    D[8] as number,
    D[9] as number,
    D[10] as number,
    D[11] as number,
    D[12] as number,
    D[13] as number,
    D[14] as number,
    D[15] as number,
  );
}

/** base32(sha256(a + b))[:16] as character codes into D. */
function digits(a: string, b: string): void {
  let h0: number;
  let h1: number;
  let h2: number;
  if (sha256Ascii(a, b)) {
    h0 = H[0] as number;
    h1 = H[1] as number;
    h2 = H[2] as number;
  } else {
    const d = sha256(new TextEncoder().encode(a + b));
    const word = (i: number) =>
      ((d[i] as number) << 24) | ((d[i + 1] as number) << 16) | ((d[i + 2] as number) << 8) | (d[i + 3] as number);
    h0 = word(0);
    h1 = word(4);
    h2 = word(8);
  }
  // 80 bits = h0 (32) + h1 (32) + top 16 of h2, read 5 bits at a time.
  D[0] = ALPHA[(h0 >>> 27) & 31] as number;
  D[1] = ALPHA[(h0 >>> 22) & 31] as number;
  D[2] = ALPHA[(h0 >>> 17) & 31] as number;
  D[3] = ALPHA[(h0 >>> 12) & 31] as number;
  D[4] = ALPHA[(h0 >>> 7) & 31] as number;
  D[5] = ALPHA[(h0 >>> 2) & 31] as number;
  D[6] = ALPHA[((h0 << 3) | (h1 >>> 29)) & 31] as number;
  D[7] = ALPHA[(h1 >>> 24) & 31] as number;
  D[8] = ALPHA[(h1 >>> 19) & 31] as number;
  D[9] = ALPHA[(h1 >>> 14) & 31] as number;
  D[10] = ALPHA[(h1 >>> 9) & 31] as number;
  D[11] = ALPHA[(h1 >>> 4) & 31] as number;
  D[12] = ALPHA[((h1 << 1) | (h2 >>> 31)) & 31] as number;
  D[13] = ALPHA[(h2 >>> 26) & 31] as number;
  D[14] = ALPHA[(h2 >>> 21) & 31] as number;
  D[15] = ALPHA[(h2 >>> 16) & 31] as number;
}

/** portProtoHash: the 16-character suffix shared by a service port's SVC, SVL, EXT and FW chains. */
export function portProtoHash(servicePortName: string, protocol: string): string {
  return hash16(servicePortName + protocol);
}

export const servicePortPolicyClusterChainNamePrefix = 'KUBE-SVC-';
export const servicePortPolicyLocalChainNamePrefix = 'KUBE-SVL-';
export const serviceFirewallChainNamePrefix = 'KUBE-FW-';
export const serviceExternalChainNamePrefix = 'KUBE-EXT-';
export const servicePortEndpointChainNamePrefix = 'KUBE-SEP-';

/** KUBE-SVC-XXXX: dispatches to endpoints under the Cluster traffic policy. */
export function servicePortPolicyClusterChain(servicePortName: string, protocol: string): string {
  return servicePortPolicyClusterChainNamePrefix + portProtoHash(servicePortName, protocol);
}

/** KUBE-SVL-XXXX: dispatches to node-local endpoints under the Local traffic policy. */
export function servicePortPolicyLocalChainName(servicePortName: string, protocol: string): string {
  return servicePortPolicyLocalChainNamePrefix + portProtoHash(servicePortName, protocol);
}

/** KUBE-FW-XXXX: loadBalancerSourceRanges filtering. */
export function serviceFirewallChainName(servicePortName: string, protocol: string): string {
  return serviceFirewallChainNamePrefix + portProtoHash(servicePortName, protocol);
}

/** KUBE-EXT-XXXX: "external destinations" (NodePort, externalIPs, load-balancer IPs). */
export function serviceExternalChainName(servicePortName: string, protocol: string): string {
  return serviceExternalChainNamePrefix + portProtoHash(servicePortName, protocol);
}

/** KUBE-SEP-XXXX: one endpoint (`ip:port`, as net.JoinHostPort writes it) of a service port. */
export function servicePortEndpointChainName(servicePortName: string, protocol: string, endpoint: string): string {
  return endpointChainNameOf(servicePortName + protocol, endpoint);
}

const K_ = 75; // the character codes of `KUBE-SEP-`
const U_ = 85;
const B_ = 66;
const E_ = 69;
const DASH = 45;
const S_ = 83;
const P_ = 80;

/**
 * servicePortEndpointChainName with the service port name and protocol already joined
 * (ServicePortInfo.hashInput): the whole name is made as one flat string, with no intermediate.
 */
export function endpointChainNameOf(hashInput: string, endpoint: string): string {
  digits(hashInput, endpoint);
  return String.fromCharCode(
    K_,
    U_,
    B_,
    E_,
    DASH,
    S_,
    E_,
    P_,
    DASH,
    D[0] as number,
    D[1] as number,
    D[2] as number,
    D[3] as number,
    D[4] as number,
    D[5] as number,
    D[6] as number,
    D[7] as number,
    D[8] as number,
    D[9] as number,
    D[10] as number,
    D[11] as number,
    D[12] as number,
    D[13] as number,
    D[14] as number,
    D[15] as number,
  );
}

export function isServiceChainName(chain: string): boolean {
  return (
    chain.startsWith(servicePortPolicyClusterChainNamePrefix) ||
    chain.startsWith(servicePortPolicyLocalChainNamePrefix) ||
    chain.startsWith(servicePortEndpointChainNamePrefix) ||
    chain.startsWith(serviceFirewallChainNamePrefix) ||
    chain.startsWith(serviceExternalChainNamePrefix)
  );
}
