import { commandList, EXIT_FAILED, EXIT_USAGE, isGroup, UsageError, type Command, type CommandGroup } from './command.ts'

/**
 * Walks the command tree along the arguments and runs the command found. `--help` (or `-h`) at any
 * level prints that level's help; errors become one line on stderr and an exit code, never a stack.
 */
export async function runCli (root: CommandGroup, args: string[]): Promise<number> {
  let node: Command | CommandGroup = root
  const path = [root.name]
  let rest = args
  while (isGroup(node)) {
    const [first, ...others] = rest
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      // Bare `authlete-bff users`: the help, on stderr, as a usage error.
      const out = first === undefined ? process.stderr : process.stdout
      out.write(groupHelp(node, path))
      return first === undefined ? EXIT_USAGE : 0
    }
    const next: Command | CommandGroup | undefined = node.commands.find(entry => entry.name === first)
    if (next === undefined) return usageError(path, `unknown command '${first}'`)
    node = next
    path.push(first)
    rest = others
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${node.help.trim()}\n`)
    return 0
  }
  try {
    return await node.run(rest)
  } catch (error) {
    if (error instanceof UsageError) return usageError(path, error.message)
    // By name: importing config.ts (TypeBox) here would slow every --help.
    if ((error as Error).name === 'ConfigError') {
      process.stderr.write(`${path.join(' ')}: ${(error as Error).message}\n`)
      return EXIT_USAGE
    }
    // Anything else: the command could not do what was asked (a broken trail, an unknown user).
    process.stderr.write(`${path.join(' ')}: ${(error as Error).message}\n`)
    return EXIT_FAILED
  }
}

function usageError (path: string[], message: string): number {
  process.stderr.write(`${path.join(' ')}: ${message}\nRun '${path.join(' ')} --help' for usage.\n`)
  return EXIT_USAGE
}

function groupHelp (group: CommandGroup, path: string[]): string {
  return `${group.help.trim()}\n\nCommands:\n${commandList(group)}\n\nRun '${path.join(' ')} <command> --help' for its options.\n`
}
