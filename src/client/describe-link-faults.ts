import type { LinkFault } from './admin-responses.ts';

/** e.g. `n2 blocked, n3 delay 40ms jitter 10ms`, or `none`. */
export function describeLinkFaults(faults: readonly LinkFault[]): string {
  const described = faults.map(describeLinkFault).filter((text) => text !== '');
  return described.length === 0 ? 'none' : described.join(', ');
}

function describeLinkFault(fault: LinkFault): string {
  const parts: string[] = [];
  if (fault.inboundBlocked && fault.outboundBlocked) parts.push('blocked');
  else if (fault.inboundBlocked) parts.push('inbound blocked');
  else if (fault.outboundBlocked) parts.push('outbound blocked');
  if (fault.delayMs > 0 || fault.jitterMs > 0) parts.push(`delay ${fault.delayMs}ms${fault.jitterMs > 0 ? ` jitter ${fault.jitterMs}ms` : ''}`);
  return parts.length === 0 ? '' : `${fault.peer} ${parts.join(' ')}`;
}

/** What fault commands print for each node they changed, e.g. `n1 faults: n2 blocked`. */
export function faultsLine(nodeName: string, faults: readonly LinkFault[]): string {
  return `${nodeName} faults: ${describeLinkFaults(faults)}`;
}
