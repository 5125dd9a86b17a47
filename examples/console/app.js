// A minimal admin console for authlete-bff: same-origin fetch calls, the session cookie set by the
// server (HttpOnly, never visible here), and the CSRF token from the login answer sent back as the
// x-csrf-token header on every change. No framework, no build step.

const $ = id => document.getElementById(id)

/** Kept in memory only: a reload gets it again from GET /auth/session. */
let csrfToken = null

class ProblemError extends Error {
  constructor (status, problem) {
    super(problem?.detail ?? `HTTP ${status}`)
    this.status = status
  }
}

async function call (method, path, body) {
  const headers = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const type = response.headers.get('content-type') ?? ''
  const data = type.includes('json') ? await response.json() : null
  if (!response.ok) throw new ProblemError(response.status, data)
  return data
}

function say (message, isError = false) {
  $('status').textContent = message
  $('status').classList.toggle('error', isError)
}

function showSignedIn (session) {
  csrfToken = session.csrfToken
  $('username').textContent = session.username
  $('roles').textContent = session.roles.join(', ')
  $('who').hidden = false
  $('login-section').hidden = true
  $('clients-section').hidden = false
}

function showSignedOut () {
  csrfToken = null
  $('who').hidden = true
  $('login-section').hidden = false
  $('clients-section').hidden = true
  $('clients').replaceChildren()
}

async function loadClients () {
  const page = await call('GET', '/api/clients?limit=100')
  // textContent only: client names come from other users and must never become markup.
  $('clients').replaceChildren(...page.clients.map(client => {
    const row = document.createElement('tr')
    row.dataset.clientId = String(client.clientId)
    for (const value of [client.clientId, client.clientName, client.developer, client.clientType]) {
      const cell = document.createElement('td')
      cell.textContent = value === undefined || value === null ? '' : String(value)
      row.append(cell)
    }
    return row
  }))
  $('total').textContent = `${page.clients.length} of ${page.total}`
}

async function guarded (action) {
  try {
    await action()
  } catch (error) {
    if (error instanceof ProblemError && error.status === 401) {
      showSignedOut()
      say('Your session has ended; sign in again.', true)
    } else {
      say(error.message, true)
    }
  }
}

$('login-form').addEventListener('submit', event => {
  event.preventDefault()
  const form = new FormData(event.target)
  guarded(async () => {
    const session = await call('POST', '/auth/login', { username: form.get('username'), password: form.get('password') })
    event.target.reset()
    showSignedIn(session)
    say('')
    await loadClients()
  })
})

$('create-form').addEventListener('submit', event => {
  event.preventDefault()
  const form = new FormData(event.target)
  guarded(async () => {
    const client = await call('POST', '/api/clients', {
      clientName: form.get('clientName'),
      redirectUris: [form.get('redirectUri')],
      grantTypes: ['AUTHORIZATION_CODE'],
      responseTypes: ['CODE']
    })
    event.target.reset()
    $('created-id').textContent = String(client.clientId)
    $('created-secret').textContent = client.clientSecret ?? ''
    $('created').hidden = false
    say(`Created ${client.clientName}.`)
    await loadClients()
  })
})

$('logout').addEventListener('click', () => guarded(async () => {
  await call('POST', '/auth/logout')
  showSignedOut()
  say('Signed out.')
}))

// A reload keeps the session (the cookie survives it); only the CSRF token has to be fetched again.
guarded(async () => {
  try {
    showSignedIn(await call('GET', '/auth/session'))
  } catch (error) {
    if (error instanceof ProblemError && error.status === 401) return showSignedOut()
    throw error
  }
  await loadClients()
})
