// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function (aggregated by name, file and
// line), self and inclusive time per package or source file, and the inclusive time of the app's own
// functions. Written as markdown.
interface CallFrame { functionName: string, url: string, lineNumber: number, columnNumber: number }
interface ProfileNode { id: number, callFrame: CallFrame, hitCount?: number, children?: number[] }
interface CpuProfile { nodes: ProfileNode[], startTime: number, endTime: number, samples: number[], timeDeltas: number[] }

interface Row { key: string, ms: number }

const root = new URL('../..', import.meta.url).href

function shortUrl (url: string): string {
  if (url === '') return ''
  const modules = url.lastIndexOf('/node_modules/')
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length)
  if (url.startsWith(root)) return url.slice(root.length)
  return url.replace(/^file:\/\//, '')
}

/** Where a frame belongs: an npm package, a file of the app, a Node internal area, or V8 itself. */
function area (frame: CallFrame): string {
  const { url, functionName } = frame
  if (url === '') return functionName.startsWith('(') ? functionName : '(native / V8 builtins)'
  const modules = url.lastIndexOf('/node_modules/')
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/')
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!
  }
  if (url.startsWith(root)) return shortUrl(url)
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`
  return shortUrl(url)
}

const frameKey = (frame: CallFrame) => {
  const where = shortUrl(frame.url)
  return `${frame.functionName || '(anonymous)'}${where === '' ? '' : ` ${where}:${frame.lineNumber + 1}`}`
}

export function summarise (profile: CpuProfile, top = 25): { markdown: string, busyMs: number } {
  const nodes = new Map(profile.nodes.map(node => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)

  // The time of sample i runs until the next sample.
  const durations = profile.samples.map((_, i) => (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000)
  const selfByNode = new Map<number, number>()
  profile.samples.forEach((id, i) => selfByNode.set(id, (selfByNode.get(id) ?? 0) + durations[i]!))

  const self = new Map<string, number>()
  const selfArea = new Map<string, number>()
  const inclusiveArea = new Map<string, number>()
  const inclusiveApp = new Map<string, number>()
  let totalMs = 0
  let idleMs = 0
  for (const [id, ms] of selfByNode) {
    const node = nodes.get(id)!
    totalMs += ms
    if (node.callFrame.functionName === '(idle)') { idleMs += ms; continue }
    const key = frameKey(node.callFrame)
    self.set(key, (self.get(key) ?? 0) + ms)
    const own = area(node.callFrame)
    selfArea.set(own, (selfArea.get(own) ?? 0) + ms)
    // Inclusive: each area and each app function once per stack.
    const areas = new Set<string>()
    const appFrames = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = nodes.get(at)!.callFrame
      if (frame.functionName === '(root)') continue
      areas.add(area(frame))
      if (frame.url.startsWith(`${root}src/`)) appFrames.add(frameKey(frame))
    }
    for (const name of areas) inclusiveArea.set(name, (inclusiveArea.get(name) ?? 0) + ms)
    for (const name of appFrames) inclusiveApp.set(name, (inclusiveApp.get(name) ?? 0) + ms)
  }
  const busyMs = totalMs - idleMs

  // Who calls the top functions: the nearest JavaScript frames above each sample of them.
  const topKeys = new Set([...self].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([key]) => key))
  const callers = new Map<string, Map<string, number>>()
  for (const [id, ms] of selfByNode) {
    const node = nodes.get(id)!
    const key = frameKey(node.callFrame)
    if (!topKeys.has(key)) continue
    const chain: string[] = []
    for (let at = parent.get(id); at !== undefined && chain.length < 3; at = parent.get(at)) {
      const frame = nodes.get(at)!.callFrame
      if (frame.url === '' || frame.functionName === '(root)') continue
      const above = frameKey(frame)
      if (above !== key && above !== chain.at(-1)) chain.push(above)
    }
    const byChain = callers.get(key) ?? new Map<string, number>()
    const path = chain.length === 0 ? '(no JavaScript caller)' : chain.join(' < ')
    byChain.set(path, (byChain.get(path) ?? 0) + ms)
    callers.set(key, byChain)
  }
  const pct = (ms: number) => `${(ms / busyMs * 100).toFixed(1)}%`
  const sorted = (map: Map<string, number>, n: number): Row[] =>
    [...map].map(([key, ms]) => ({ key, ms })).sort((a, b) => b.ms - a.ms).slice(0, n)
  const table = (title: string, rows: Row[]) => [
    `| ${title} | ms | % of busy |`, '| --- | ---: | ---: |',
    ...rows.map(row => `| \`${row.key.replaceAll('|', '\\|')}\` | ${row.ms.toFixed(0)} | ${pct(row.ms)} |`)
  ].join('\n')

  const markdown = [
    `Profiled: ${(totalMs / 1000).toFixed(1)} s, of which busy (not idle) ${(busyMs / 1000).toFixed(1)} s; ${profile.samples.length} samples. ` +
      'Percentages are of busy time. `(program)` is native time V8 cannot attribute (libuv, syscalls, the HTTP parser); ' +
      '`(garbage collector)` is GC.',
    '',
    `### Top ${top} functions by self time`,
    '',
    table('function (file:line)', sorted(self, top)),
    '',
    '### Who calls them (top 12 by self time; the nearest three JavaScript frames, innermost first)',
    '',
    ...[...topKeys].flatMap(key => [
      `- \`${key}\``,
      ...[...(callers.get(key) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1]).slice(0, 3)
        .map(([path, ms]) => `  - ${ms.toFixed(0)} ms: ${path.split(' < ').map(frame => `\`${frame}\``).join(' < ')}`)
    ]),
    '',
    '### Self time by package or file',
    '',
    table('package / file', sorted(selfArea, 25)),
    '',
    '### Inclusive time by package or file (time with it anywhere on the stack)',
    '',
    table('package / file', sorted(inclusiveArea, 25)),
    '',
    '### Inclusive time of the app\'s own functions (src/)',
    '',
    table('function (file:line)', sorted(inclusiveApp, 20))
  ].join('\n')
  return { markdown, busyMs }
}
