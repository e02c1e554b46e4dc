/** The node shell: `iptables`, `crictl`, `ip` and friends on a node of the simulated cluster. */

export { lastIptablesRuleset, lastIptablesSync } from '../../../workers/kube-proxy/node-views.ts';
export { CRICTL_TABLE, type CriContainer, type CriImage, type CriSandbox, crictlCommand } from './crictl.ts';
export { ipCommand, netnsName, vethName } from './ip.ts';
export { iptablesCommand, iptablesSaveCommand, nodeTables } from './iptables.ts';
export { NODE_SHELL_COMMANDS, NODE_SHELL_SUBCOMMANDS, type NodeShellEnv, runNodeShell } from './shell.ts';
export type { ShellResult } from './types.ts';
export { formatG, humanDuration, humanSizeWithPrecision } from './units.ts';
