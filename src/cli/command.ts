import { parseArgs, type ParseArgsConfig } from 'node:util'

// Exit codes every command shares (docs/cli.md): scripts tell "the check failed" from "you called it wrong".
export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2

/** A mistake of the caller (arguments, configuration): printed as one line with a pointer to --help, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export interface Command {
  name: string
  summary: string
  /** Full help: usage line, options, notes. */
  help: string
  run: (args: string[]) => Promise<number>
}

export interface CommandGroup {
  name: string
  summary: string
  help: string
  commands: Array<Command | CommandGroup>
}

type Options = NonNullable<ParseArgsConfig['options']>

/** node:util parseArgs, strict, with its errors turned into usage errors. */
export function parseOptions<T extends Options> (args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''))
  }
}

export function isGroup (entry: Command | CommandGroup): entry is CommandGroup {
  return 'commands' in entry
}

/** The summary table of a group's commands, for its help. */
export function commandList (group: CommandGroup): string {
  const width = Math.max(...group.commands.map(entry => entry.name.length))
  return group.commands.map(entry => `  ${entry.name.padEnd(width)}  ${entry.summary}`).join('\n')
}
