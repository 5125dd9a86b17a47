import t from 'tap'
import { ClientIndex, compareEntries } from '../../src/search/client-index.ts'

t.test('ClientIndex ...should keep its entries in answer order through writes, removals and fills, without sorting per search', async t => {
  const index = new ClientIndex()
  index.beginFill()
  index.add(Array.from({ length: 50 }, (_, id) => ({ clientId: id + 1, clientName: `Client ${(id * 37) % 50}` })))
  index.finishFill(Date.now())
  const inOrder = () => [...index.entries()].sort(compareEntries).map(entry => entry.clientId)
  t.same(index.sorted().map(entry => entry.clientId), inOrder(), 'after the fill')
  let seed = 7
  const random = (below: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % below }
  for (let step = 0; step < 300; step++) {
    const id = random(70) + 1
    if (random(4) === 0) index.remove(String(id))
    else index.put({ clientId: id, clientName: random(3) === 0 ? undefined : `Client ${random(60)}` })
    t.same(index.sorted().map(entry => entry.clientId), inOrder(), `step ${step}`)
  }
  t.equal(index.sorted().length, index.size, 'each entry once')
})
