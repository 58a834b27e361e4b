import { chaosCommand } from './commands/chaos-command.ts';
import { healCommand } from './commands/heal-command.ts';
import { killCommand } from './commands/kill-command.ts';
import { bridgeCommand, halvesCommand, isolateCommand, isolateLeaderCommand, majoritiesRingCommand, oneWayCommand } from './commands/partition-commands.ts';
import { pauseCommand } from './commands/pause-command.ts';
import { restartCommand } from './commands/restart-command.ts';
import type { FaultCommand } from './fault-command.ts';

/** In the order the usage lists them. */
export const faultCommands: readonly FaultCommand[] = [
  isolateCommand,
  isolateLeaderCommand,
  halvesCommand,
  bridgeCommand,
  majoritiesRingCommand,
  oneWayCommand,
  healCommand,
  killCommand,
  pauseCommand,
  restartCommand,
  chaosCommand,
];
