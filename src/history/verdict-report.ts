import type { Spread, Verdict, Violation } from './check-history.ts';

const ms = (value: number): string => `${value.toFixed(0)} ms`;

/** The checker's verdict as lines for a person: CLEAN or VIOLATED, each violation, then the figures. */
export function formatVerdict(verdict: Verdict): string[] {
  const { counts, availability } = verdict;
  const lines = [
    verdict.ok ? 'verdict: CLEAN (every rule held)' : `verdict: VIOLATED (${verdict.violations.length} violation${verdict.violations.length === 1 ? '' : 's'})`,
    ...verdict.violations.slice(0, 20).map((violation) => `  ! ${describeViolation(violation)}`),
    ...(verdict.violations.length > 20 ? [`  ... and ${verdict.violations.length - 20} more`] : []),
    `  checked: at most one leader per term (${counts.leadersElected} elections won over ${counts.terms} terms); no two nodes' leases overlap (${verdict.leases.length} leases, closest hand-over ${verdict.closestHandOverMs === null ? 'none' : ms(verdict.closestHandOverMs)}); fencing tokens only grow (${counts.tokens} tokens); no second vote in a term and no vote or term lost across ${counts.restarts} restarts or in the stores (${counts.votes} votes)`,
  ];
  if (availability.majorityConnectedMs > 0)
    lines.push(
      `  availability: a lease holder ${(100 * availability.leaseHeldShare).toFixed(3)}% of the ${(availability.majorityConnectedMs / 1000).toFixed(1)} s a majority was up and connected`,
    );
  const spread = (label: string, value: Spread | null): void => {
    if (value !== null) lines.push(`  ${label} (${value.count}): p50 ${ms(value.p50)}, p99 ${ms(value.p99)}, max ${ms(value.max)}`);
  };
  spread('heal to lease holder, every repair', availability.healToLeaseMs);
  spread('heal to lease holder, repairs that found none', availability.healToNewLeaseMs);
  spread('stretches without a lease holder', availability.noHolderMs);
  const gap = availability.worstGap;
  if (gap !== null)
    lines.push(
      `  longest stretch without a lease holder: ${ms(gap.toMs - gap.fromMs)}, after: ${gap.causes.length === 0 ? 'no fault (start or end of the run)' : gap.causes.join('; ')}`,
    );
  if (counts.unmappedProcesses > 0) lines.push(`  ! ${counts.unmappedProcesses} processes' leases could not be put on the machine's clock`);
  return lines;
}

export function describeViolation(violation: Violation): string {
  switch (violation.rule) {
    case 'one-leader-per-term':
      return `two leaders in term ${violation.term}: ${violation.leaders.join(', ')}`;
    case 'lease-overlap': {
      const { first, second } = violation;
      return `leases overlap by ${violation.overlapMs.toFixed(1)} ms: ${first.node} (term ${first.term}, until ${first.endedBy}) and ${second.node} (term ${second.term})`;
    }
    case 'fencing-token-order':
      return `token ${violation.later.leaderId}/term ${violation.later.term} handed out after ${violation.earlier.leaderId}/term ${violation.earlier.term} had been`;
    case 'second-vote':
      return `${violation.node} voted for ${violation.candidates.join(' and ')} in term ${violation.term}`;
    case 'term-went-back':
      return `${violation.node}'s term went back from ${violation.from} to ${violation.to} (${violation.where})`;
    case 'vote-taken-back':
      return `${violation.node}'s vote for ${violation.voted} in term ${violation.term} became ${violation.found ?? 'none'} (${violation.where})`;
  }
}
