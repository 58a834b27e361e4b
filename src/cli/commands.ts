import type { Command } from './command.ts';
import { delayCommand } from './commands/delay-command.ts';
import { healCommand } from './commands/heal-command.ts';
import { leaderCommand } from './commands/leader-command.ts';
import { leaseCommand } from './commands/lease-command.ts';
import { membersCommand } from './commands/members-command.ts';
import { partitionCommand } from './commands/partition-command.ts';
import { statusCommand } from './commands/status-command.ts';
import { stepDownCommand } from './commands/step-down-command.ts';
import { topCommand } from './commands/top-command.ts';
import { transferCommand } from './commands/transfer-command.ts';
import { watchCommand } from './commands/watch-command.ts';

/** Every hbctl command, in the order the usage lists them. */
export const commands: readonly Command[] = [
  statusCommand,
  leaderCommand,
  leaseCommand,
  membersCommand,
  watchCommand,
  topCommand,
  stepDownCommand,
  transferCommand,
  partitionCommand,
  healCommand,
  delayCommand,
];
