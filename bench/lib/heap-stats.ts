// Preloaded into the BFF by bench/run.ts (node --import): on SIGUSR2, writes the process's memory
// breakdown (process.memoryUsage and V8's heap spaces) to BENCH_HEAP_STATS_FILE, so the report can
// say what the RSS is made of. Nothing runs until the signal comes.
import { writeFileSync } from 'node:fs'
import v8 from 'node:v8'

const file = process.env.BENCH_HEAP_STATS_FILE
if (file !== undefined) {
  process.on('SIGUSR2', () => {
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics()
      .filter(space => space.space_size > 0)
      .map(space => [space.space_name, { sizeMb: space.space_size / 2 ** 20, usedMb: space.space_used_size / 2 ** 20 }]))
    const usage = process.memoryUsage()
    writeFileSync(file, JSON.stringify({
      rssMb: usage.rss / 2 ** 20,
      heapTotalMb: usage.heapTotal / 2 ** 20,
      heapUsedMb: usage.heapUsed / 2 ** 20,
      externalMb: usage.external / 2 ** 20,
      heapLimitMb: v8.getHeapStatistics().heap_size_limit / 2 ** 20,
      spaces
    }))
  })
}
