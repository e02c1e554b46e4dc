/** Every command runKubectl knows, by command path. */
import type { Command } from '../command.ts';
import { applyCommand } from './apply.ts';
import {
  createCommand,
  createConfigMapCommand,
  createDeploymentCommand,
  createNamespaceCommand,
  createSecretGenericCommand,
  createServiceCommands,
} from './create.ts';
import { deleteCommand } from './delete.ts';
import { describeCommand } from './describe.ts';
import { cordonCmd, drainCmd, uncordonCmd } from './drain.ts';
import { explainCommand } from './explain.ts';
import { getCommand } from './get.ts';
import { apiResourcesCommand, apiVersionsCommand, clusterInfoCommand, versionCommand } from './info.ts';
import { annotateCmd, labelCmd } from './label.ts';
import { execCommand, logsCommand } from './logs-exec.ts';
import { patchCommand, replaceCommand } from './replace-patch.ts';
import {
  rolloutHistoryCommand,
  rolloutPauseCommand,
  rolloutRestartCommand,
  rolloutResumeCommand,
  rolloutStatusCommand,
  rolloutUndoCommand,
} from './rollout.ts';
import { exposeCommand, runCommand } from './run-expose.ts';
import { scaleCommand, setImageCommand } from './scale-set.ts';
import { waitCommand } from './wait.ts';

export const COMMANDS: Command[] = [
  getCommand,
  describeCommand,
  createCommand,
  createDeploymentCommand,
  createNamespaceCommand,
  createConfigMapCommand,
  createSecretGenericCommand,
  ...createServiceCommands,
  applyCommand,
  replaceCommand,
  patchCommand,
  deleteCommand,
  labelCmd,
  annotateCmd,
  scaleCommand,
  setImageCommand,
  cordonCmd,
  uncordonCmd,
  drainCmd,
  runCommand,
  exposeCommand,
  rolloutStatusCommand,
  rolloutHistoryCommand,
  rolloutUndoCommand,
  rolloutPauseCommand,
  rolloutResumeCommand,
  rolloutRestartCommand,
  waitCommand,
  logsCommand,
  execCommand,
  apiResourcesCommand,
  apiVersionsCommand,
  versionCommand,
  clusterInfoCommand,
  explainCommand,
];
