import { hash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { errors } from '../../http/errors.ts'
import { whileRedisAnswers } from '../../ops/redis.ts'
import type { LoginFailureStore, LoginKey } from './login-failure-store.ts'

const PREFIX = 'bff-login:'

// Each script runs atomically in Redis: a counter's window (its expiry) is set by its first failure only,
// a refund never takes a counter below zero nor creates one, and clearing a username takes every
// address's counter for it, listed in a set that lives as long as the longest window.
const ADD = `
local pair = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local user = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[3] == '0' then
  user = redis.call('INCR', KEYS[2])
  if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
end
redis.call('SADD', KEYS[3], KEYS[1])
redis.call('PEXPIRE', KEYS[3], math.max(tonumber(ARGV[1]), tonumber(ARGV[2])))
return { pair, user, redis.call('PTTL', KEYS[1]), math.max(0, redis.call('PTTL', KEYS[2])) }`
const REFUND = `
if ARGV[2] == '0' and tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
if ARGV[1] == '1' then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[3], KEYS[1])
elseif tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
  redis.call('DECR', KEYS[1])
end
return 0`
const CLEAR = `
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
for _, key in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', key) end
redis.call('DEL', KEYS[1], KEYS[2])
return failures`

class LoginCountersUnavailable extends errors.RateLimitUnavailable {
  constructor (options: { cause: Error }) {
    super('login', options)
  }
}

/** Counters shared by every replica: a guess on one counts on all. Usernames and addresses are hashed into the keys. */
export function createRedisLoginFailureStore (redis: Redis): LoginFailureStore {
  const digest = (value: string): string => hash('sha256', value, 'base64url')
  const userKeys = (username: string): [string, string] => {
    const user = digest(username)
    return [`${PREFIX}u:${user}`, `${PREFIX}a:${user}`]
  }
  const keysOf = ({ username, address }: LoginKey): [string, string, string] => {
    const [user, addresses] = userKeys(username)
    return [`${PREFIX}p:${digest(username)}:${digest(address)}`, user, addresses]
  }
  const guard = async <T>(work: () => Promise<T>): Promise<T> => await whileRedisAnswers(work, LoginCountersUnavailable)

  return {
    add: async (key, windows) => guard(async () => {
      const [pair, user, pairResetMs, userResetMs] = await redis.eval(ADD, 3, ...keysOf(key), windows.pairMs, windows.userMs, key.device ? '1' : '0') as number[]
      return { pair: pair!, user: user!, pairResetMs: pairResetMs!, userResetMs: userResetMs! }
    }),
    refund: async (key, clearPair) => guard(async () => { await redis.eval(REFUND, 3, ...keysOf(key), clearPair ? '1' : '0', key.device ? '1' : '0') }),
    clearUser: async username => guard(async () => await redis.eval(CLEAR, 2, ...userKeys(username)) as number)
  }
}
