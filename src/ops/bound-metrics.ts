import type { Registry } from 'prom-client'

// A counter and a histogram for the per-request series, registered in a prom-client registry and
// written out by it as its own Counter and Histogram would be. Each label set is bound once and then
// counted with plain arithmetic: prom-client's own inc()/observe() validate and hash the labels (and
// build a closure) on every call, which showed in the proxy's CPU profile.

type Labels = Record<string, string>
interface Value { labels: Labels, value: number, metricName?: string, sharedLabels?: Labels }

export interface BoundCounter { inc: (by?: number) => void }
export interface BoundHistogram { observe: (value: number) => void }

interface Family<S> { name: string, help: string, registers: Registry[], key: (labels: Labels) => string, create: (labels: Labels) => S }

function family<S> ({ name, help, registers, key, create }: Family<S>, type: string, values: (all: S[]) => Value[]) {
  const series = new Map<string, S>()
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values([...series.values()]) }),
    reset: () => { series.clear() }
  }
  for (const registry of registers) registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0])
  return {
    /** The series of these labels; callers keep it (a new label set is created on first use). */
    bind (labels: Labels): S {
      const id = key(labels)
      let found = series.get(id)
      if (found === undefined) series.set(id, found = create(labels))
      return found
    }
  }
}

export function boundCounter (options: { name: string, help: string, labelNames: readonly string[], registers: Registry[] }) {
  const key = (labels: Labels) => options.labelNames.map(label => labels[label]).join('\u0000')
  return family<BoundCounter & { labels: Labels, value: number }>({
    ...options,
    key,
    create: labels => {
      const counter = { labels: { ...labels }, value: 0, inc: (by = 1) => { counter.value += by } }
      return counter
    }
  }, 'counter', all => all.map(({ labels, value }) => ({ labels, value })))
}

export function boundHistogram (options: { name: string, help: string, labelNames: readonly string[], buckets: readonly number[], registers: Registry[] }) {
  const { name, buckets } = options
  const key = (labels: Labels) => options.labelNames.map(label => labels[label]).join('\u0000')
  return family<BoundHistogram & { labels: Labels, counts: Float64Array, sum: number, count: number }>({
    ...options,
    key,
    create: labels => {
      const histogram = {
        labels: { ...labels },
        counts: new Float64Array(buckets.length),
        sum: 0,
        count: 0,
        observe: (value: number) => {
          const bucket = buckets.findIndex(bound => value <= bound)
          if (bucket >= 0) histogram.counts[bucket]!++
          histogram.sum += value
          histogram.count++
        }
      }
      return histogram
    }
  }, 'histogram', all => all.flatMap(({ labels, counts, sum, count }) => {
    const values: Value[] = []
    let cumulative = 0
    buckets.forEach((bound, i) => {
      cumulative += counts[i]!
      values.push({ labels: { le: String(bound) }, value: cumulative, metricName: `${name}_bucket`, sharedLabels: labels })
    })
    return [
      ...values,
      { labels: { le: '+Inf' }, value: count, metricName: `${name}_bucket`, sharedLabels: labels },
      { labels: {}, value: sum, metricName: `${name}_sum`, sharedLabels: labels },
      { labels: {}, value: count, metricName: `${name}_count`, sharedLabels: labels }
    ]
  }))
}
