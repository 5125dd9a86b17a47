import { createInterface } from 'node:readline'
import { UsageError } from './command.ts'

/**
 * A password from the terminal, not echoed, or the first line of stdin when it is a pipe or a file
 * (scripts: `echo "$PASSWORD" | authlete-bff users add ...`).
 */
export async function readPassword (prompt: string): Promise<string> {
  return process.stdin.isTTY ? await readHidden(prompt) : await readFirstLine()
}

async function readFirstLine (): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false })
  try {
    return await new Promise<string>(resolve => {
      lines.once('line', resolve)
      lines.once('close', () => resolve(''))
    })
  } finally {
    lines.close()
  }
}

// Raw mode: the terminal echoes nothing and hands over each key; Enter ends, Backspace erases,
// Ctrl-C and Ctrl-D cancel. The keys are kept as characters (code points), not UTF-16 units, so that
// Backspace erases an emoji whole instead of leaving half of it in the password.
async function readHidden (prompt: string): Promise<string> {
  const stdin = process.stdin
  // Raw mode first, then the prompt: keys typed as soon as it shows are never echoed.
  stdin.setRawMode(true)
  process.stderr.write(prompt)
  stdin.setEncoding('utf8')
  stdin.resume()
  try {
    return await new Promise<string>((resolve, reject) => {
      const typed: string[] = []
      const onData = (keys: string): void => {
        for (const key of keys) {
          if (key === '\r' || key === '\n') {
            stdin.off('data', onData)
            return resolve(typed.join(''))
          }
          if (key === '\u0003' || key === '\u0004') {
            stdin.off('data', onData)
            return reject(new UsageError('cancelled'))
          }
          if (key === '\u007f' || key === '\b') typed.pop()
          else if (key >= ' ') typed.push(key)
        }
      }
      stdin.on('data', onData)
    })
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
    process.stderr.write('\n')
  }
}
