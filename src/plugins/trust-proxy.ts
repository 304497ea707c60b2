import { BlockList, isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * What fastify's `trustProxy` is given: off, proxy addresses and CIDRs, or for a hop count a
 * function trusting that many hops nearest the server (what proxy-addr does with a number).
 */
export type TrustProxy = false | string[] | ((address: string, hop: number) => boolean);

/**
 * `TRUST_PROXY` is a hop count ("1": one reverse proxy in front) or a comma-separated list of
 * proxy addresses and CIDRs ("10.0.0.0/8, 127.0.0.1"). Anything else is refused at start-up, so
 * a typo never silently trusts every peer.
 */
export function parseTrustProxy(value: string): TrustProxy {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 32) throw new Error('a hop count must be between 0 and 32');
    return hops === 0 ? false : (_address: string, hop: number) => hop < hops;
  }
  const entries = text.split(',').map((part) => part.trim()).filter(Boolean);
  if (entries.length === 0) throw new Error('give a hop count or a comma-separated list of addresses and CIDRs');
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family || extra !== undefined) throw new Error(`"${entry}" is not an address or CIDR`);
    if (prefix !== undefined) {
      const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
      if (!(bits >= 0 && bits <= (family === 4 ? 32 : 128))) throw new Error(`"${entry}" has a bad prefix length`);
      list.addSubnet(address!, bits, family === 4 ? 'ipv4' : 'ipv6');
    }
  }
  return entries;
}

/**
 * A textual address fit to compare and store (PostgreSQL `inet`), or null. Zone ids
 * ("fe80::1%eth0") are dropped; anything that is not an address is refused.
 */
export function validAddress(value: string | undefined | null): string | null {
  if (!value) return null;
  const address = value.split('%')[0]!.trim();
  return isIP(address) ? address : null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The client's address, validated: from X-Forwarded-For only as TRUST_PROXY allows. */
    clientIp: string | null;
  }
}

/**
 * Sets `request.clientIp` once per request. Fastify's `request.ip` follows TRUST_PROXY but
 * passes X-Forwarded-For text through unchecked; a value that is not an address falls back to
 * the socket's own address, so it can neither break a query nor be forged into the audit log.
 */
export const clientAddressPlugin = fp(async function clientAddressPlugin(app: FastifyInstance) {
  app.decorateRequest('clientIp', null);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.clientIp = validAddress(request.ip) ?? validAddress(request.socket?.remoteAddress);
  });
});
