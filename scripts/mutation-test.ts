import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MUTATION_GROUPS, OUTSIDE_GROUPS } from './mutation-groups.ts'
import { EQUIVALENT_MUTANTS } from './mutation-equivalents.ts'

// npm run test:mutation [-- group...]: StrykerJS over the critical modules, one group at a time
// (see scripts/mutation-groups.ts), then docs/mutation-report.md from every group's JSON report
// (reports/mutation/<group>.json). `--report-only` rewrites the report from the JSON files alone.
interface Mutant {
  mutatorName: string
  replacement?: string
  status: string
  location: { start: { line: number, column: number }, end: { line: number, column: number } }
}
interface Report { files: Record<string, { source: string, mutants: Mutant[] }> }
/** How long a group's run took, and on which commit (with "+changes" when the checkout had uncommitted ones). */
interface GroupRun { minutes: number, commit: string }

const args = process.argv.slice(2)
const reportOnly = args.includes('--report-only')
const groups = args.filter(arg => !arg.startsWith('--'))
for (const group of groups) if (!(group in MUTATION_GROUPS)) throw new Error(`unknown group ${group}: ${Object.keys(MUTATION_GROUPS).join(', ')}`)

if (!reportOnly) {
  for (const group of groups.length > 0 ? groups : Object.keys(MUTATION_GROUPS)) {
    process.stderr.write(`\n== mutation group ${group}\n`)
    const started = Date.now()
    const run = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, MUTATION_GROUP: group } })
    if (run.status !== 0) process.exitCode = 1
    else writeFileSync(join('reports', 'mutation', `${group}.run.json`), JSON.stringify({ minutes: (Date.now() - started) / 60_000, commit: commitRun() }))
  }
}
writeReport()

function writeReport (): void {
  const rows: string[] = []
  const survivors: string[] = []
  const total = { killed: 0, survived: 0, noCoverage: 0, timeout: 0 }
  const unexplained: string[] = []
  let killedSince = 0
  let equivalent = 0
  const tally = (reason: string | undefined): void => {
    if (reason?.startsWith('Killed since') === true) killedSince++
    else if (reason !== undefined) equivalent++
  }
  const earlier = earlierReport()
  const notRun: string[] = []
  const groupRows: string[] = []
  for (const group of Object.keys(MUTATION_GROUPS)) {
    const path = join('reports', 'mutation', `${group}.json`)
    const before = { ...total, killedSince, equivalent }
    const groupRow = (name: string, run: GroupRun | undefined): string => {
      const figures = { killed: total.killed - before.killed, survived: total.survived - before.survived, noCoverage: total.noCoverage - before.noCoverage, timeout: total.timeout - before.timeout }
      const mutants = figures.killed + figures.timeout + figures.survived + figures.noCoverage
      const caught = figures.killed + figures.timeout + killedSince - before.killedSince
      return `| ${name} | ${score(figures)} | ${percent(caught, mutants - (equivalent - before.equivalent))} | ${mutants} | ${run === undefined ? '?' : run.minutes.toFixed(0)} | ${run?.commit ?? '?'} |`
    }
    if (!existsSync(path)) {
      // Not run in this checkout (reports/ is not committed): the figures of the last report stay.
      const kept = earlier.rows.filter(row => row.group === group)
      if (kept.length === 0) notRun.push(group)
      for (const row of kept) {
        for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += row.figures[key]
        rows.push(`| \`${row.file}\` | ${group} (earlier run) | ${score(row.figures)} | ${row.figures.killed} | ${row.figures.timeout} | ${row.figures.survived} | ${row.figures.noCoverage} |`)
        for (const survivor of earlier.survivors.filter(survivor => survivor.file === row.file)) {
          const reason = EQUIVALENT_MUTANTS.find(known => known.file === row.file && cell(known.original) === survivor.original && cell(known.replacement) === survivor.replacement)?.reason ?? survivor.reason
          if (reason === undefined) unexplained.push(survivor.where)
          tally(reason)
          survivors.push(`| \`${survivor.where}\` | ${survivor.status} | \`${survivor.original}\` → \`${survivor.replacement}\` | ${reason ?? '**not yet explained**'} |`)
        }
      }
      if (kept.length > 0) groupRows.push(groupRow(`${group} (earlier run)`, earlier.groups.get(group)))
      continue
    }
    const report = JSON.parse(readFileSync(path, 'utf8')) as Report
    for (const [file, { source, mutants }] of Object.entries(report.files)) {
      const count = (status: string) => mutants.filter(mutant => mutant.status === status).length
      const figures = { killed: count('Killed'), survived: count('Survived'), noCoverage: count('NoCoverage'), timeout: count('Timeout') }
      for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += figures[key]
      rows.push(`| \`${file}\` | ${group} | ${score(figures)} | ${figures.killed} | ${figures.timeout} | ${figures.survived} | ${figures.noCoverage} |`)
      for (const mutant of mutants.filter(mutant => mutant.status === 'Survived' || mutant.status === 'NoCoverage')) {
        const original = snippet(source, mutant)
        const reason = EQUIVALENT_MUTANTS.find(known => known.file === file && known.original === original && known.replacement === mutant.replacement && (known.line ?? mutant.location.start.line) === mutant.location.start.line)?.reason
        if (reason === undefined) unexplained.push(`${file}:${mutant.location.start.line}`)
        tally(reason)
        survivors.push(`| \`${file}:${mutant.location.start.line}\` | ${mutant.status} | \`${cell(original)}\` → \`${cell(mutant.replacement ?? '')}\` | ${reason ?? '**not yet explained**'} |`)
      }
    }
    const runPath = join('reports', 'mutation', `${group}.run.json`)
    groupRows.push(groupRow(group, existsSync(runPath) ? JSON.parse(readFileSync(runPath, 'utf8')) as GroupRun : undefined))
  }
  const all = total.killed + total.timeout + total.survived + total.noCoverage
  mkdirSync('docs', { recursive: true })
  writeFileSync(join('docs', 'mutation-report.md'), [
    '# Mutation testing',
    '',
    'StrykerJS (`@stryker-mutator/core` with its tap runner) makes one small change (a mutant) at a time in the',
    'critical modules and runs the test files that reach it: a mutant the tests notice is killed. Run it with',
    '`npm run test:mutation` (every group, one after the other; the minutes each took are in the table of groups) or',
    '`npm run test:mutation -- chain scan` (some groups); groups, their modules and test files are in',
    '`scripts/mutation-groups.ts`. Each run writes its group\'s JSON report in reports/mutation/ (not committed);',
    'a group without one in the checkout keeps the figures of the previous version of this file, marked "earlier run"',
    '(its line numbers are those of the sources it ran on). It is not part of `.ci/run`: too slow for every change.',
    'This file is written by the run (`scripts/mutation-test.ts`).',
    'Stryker\'s TypeScript checker is not used: the sources run by type stripping, and a mutant that would',
    'not type-check still runs (and is killed or listed below like any other).',
    '',
    `**Score: ${score(total)}** (${total.killed + total.timeout} of ${all} mutants killed; a timeout counts as killed).`,
    ...(killedSince === 0
      ? [`Leaving out the ${equivalent} explained as equivalent or harmless: ${percent(total.killed + total.timeout, all - equivalent)}.`]
      : [`Counting the ${killedSince} survivors killed since by tests written after the run (each checked by applying the mutant by hand):`,
          `${percent(total.killed + total.timeout + killedSince, all)}; leaving out the ${equivalent} explained as equivalent or harmless as well:`,
          `${percent(total.killed + total.timeout + killedSince, all - equivalent)}.`]),
    '',
    '## Groups',
    '',
    'Score counts a timeout as killed; "explained left out" counts the survivors killed since by later tests',
    'as killed and leaves out those explained as equivalent or harmless. A group is run on the commit shown',
    '("+changes": with uncommitted changes to src/ or test/ of the run, such as tests written for its survivors).',
    '',
    '| Group | Score | Explained left out | Mutants | Minutes | Commit |',
    '|---|---|---|---|---|---|',
    ...groupRows,
    '',
    '## Modules',
    '',
    '| Module | Group | Score | Killed | Timeout | Survived | No coverage |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...(notRun.length === 0 ? [] : [`Not run yet, so not counted: ${notRun.map(group => `${group} (${MUTATION_GROUPS[group]!.mutate.map(file => `\`${file}\``).join(', ')})`).join('; ')}.`, '']),
    '## Modules in no group',
    '',
    'Every source file of src/ that no group mutates, with why (`OUTSIDE_GROUPS` in scripts/mutation-groups.ts):',
    '',
    '| Modules | Why they are in no group |',
    '|---|---|',
    ...outsideRows(),
    '',
    '## Mutants left alive',
    '',
    'Each is equivalent (no behaviour can tell it from the original) or harmless, for the reason given;',
    'reasons are kept in `scripts/mutation-equivalents.ts`.',
    '',
    '| Where | Status | Change | Why it is left |',
    '|---|---|---|---|',
    ...survivors,
    ''
  ].join('\n'))
  process.stderr.write(`mutation score ${score(total)}; docs/mutation-report.md written${unexplained.length > 0 ? `; survivors without a reason: ${unexplained.join(', ')}` : ''}\n`)
}

interface EarlierRow { file: string, group: string, figures: { killed: number, timeout: number, survived: number, noCoverage: number } }
interface EarlierSurvivor { where: string, file: string, status: string, original: string, replacement: string, reason?: string }

// The module rows and survivor rows of the report as it stands, to keep those of the groups not run here.
function earlierReport (): { rows: EarlierRow[], survivors: EarlierSurvivor[], groups: Map<string, GroupRun> } {
  const path = join('docs', 'mutation-report.md')
  const rows: EarlierRow[] = []
  const survivors: EarlierSurvivor[] = []
  const groups = new Map<string, GroupRun>()
  if (!existsSync(path)) return { rows, survivors, groups }
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map(text => text.trim())
    const group = cells[0]?.split(' ')[0] ?? ''
    if (cells.length === 6 && group in MUTATION_GROUPS && /^\d+$/.test(cells[4]!)) groups.set(group, { minutes: Number(cells[4]), commit: cells[5]! })
    const module = /^`([^`:]+)`$/.exec(cells[0] ?? '')
    if (module !== null && cells.length === 7) {
      const [killed, timeout, survived, noCoverage] = cells.slice(3).map(Number) as [number, number, number, number]
      rows.push({ file: module[1]!, group: cells[1]!.split(' ')[0]!, figures: { killed, timeout, survived, noCoverage } })
    }
    const where = /^`(([^`:]+):\d+)`$/.exec(cells[0] ?? '')
    const change = /^`(.*)` → `(.*)`$/.exec(cells[2] ?? '')
    if (where !== null && change !== null && cells.length === 4) {
      const reason = cells[3] === '**not yet explained**' ? undefined : cells[3]
      survivors.push({ where: where[1]!, file: where[2]!, status: cells[1]!, original: change[1]!, replacement: change[2]!, ...(reason === undefined ? {} : { reason }) })
    }
  }
  return { rows, survivors, groups }
}

// Source files no group mutates, gathered under the first OUTSIDE_GROUPS prefix that names them.
function outsideRows (): string[] {
  const mutated = new Set(Object.values(MUTATION_GROUPS).flatMap(group => group.mutate))
  const files = (readdirSync('src', { recursive: true, encoding: 'utf8' }))
    .map(file => join('src', file)).filter(file => /\.tsx?$/.test(file) && !file.endsWith('.d.ts') && !mutated.has(file)).sort()
  const byReason = new Map<string, string[]>()
  for (const file of files) {
    const reason = Object.entries(OUTSIDE_GROUPS).find(([prefix]) => file.startsWith(prefix))?.[1] ?? '**not yet explained**'
    byReason.set(reason, [...(byReason.get(reason) ?? []), file])
  }
  return [...byReason].map(([reason, list]) => `| ${list.map(file => `\`${file}\``).join(', ')} | ${reason} |`)
}

function commitRun (): string {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
  const changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'test'], { encoding: 'utf8' }).trim()
  return changed === '' ? commit : `${commit}+changes`
}

function score ({ killed, timeout, survived, noCoverage }: { killed: number, timeout: number, survived: number, noCoverage: number }): string {
  return percent(killed + timeout, killed + timeout + survived + noCoverage)
}

function percent (part: number, all: number): string {
  return all === 0 ? 'n/a' : `${(100 * part / all).toFixed(1)}%`
}

function snippet (source: string, mutant: Mutant): string {
  const lines = source.split('\n')
  const { start, end } = mutant.location
  if (start.line === end.line) return lines[start.line - 1]!.slice(start.column - 1, end.column - 1)
  return [lines[start.line - 1]!.slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1]!.slice(0, end.column - 1)].join('\n')
}

function cell (text: string): string {
  const flat = text.replace(/\s+/g, ' ').replaceAll('|', '\\|').replaceAll('`', "'")
  return flat.length > 90 ? `${flat.slice(0, 87)}...` : flat
}
