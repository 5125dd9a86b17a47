// Bundles the admin console (src/console/app) into dist/console (or the folder given as argument):
// index.html, app.js, app.css. Run by npm ci (prepare), npm start (prestart) and npm run build; the
// server only serves the result.
import { copyFile, mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const source = fileURLToPath(new URL('../src/console/app/', import.meta.url))
const out = `${process.argv[2] === undefined ? fileURLToPath(new URL('../dist/console', import.meta.url)) : resolve(process.argv[2])}/`

let esbuild: typeof import('esbuild')
try {
  esbuild = await import('esbuild')
} catch {
  // An install without devDependencies (npm ci --omit=dev): the server says so if the console is enabled.
  process.stderr.write('build-console: esbuild is not installed (devDependencies); the console is not built\n')
  process.exit(0)
}

await mkdir(out, { recursive: true })
await esbuild.build({
  entryPoints: { app: `${source}main.tsx` },
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  outdir: out,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning'
})
await copyFile(`${source}index.html`, `${out}index.html`)
