import http from 'node:http'
import https from 'node:https'

/** What a healthy Tessera answers on GET /upcheck. */
export const TESSERA_UP = "I'm up!"

/**
 * GETs a Tessera `/upcheck` URL; resolves to undefined when the body reads "I'm up!", else to
 * the reason (status, or the body: older Tessera answers 200 with "Database unavailable").
 */
export function tesseraUpcheck(url: string, signal: AbortSignal): Promise<string | undefined> {
  const lib = url.startsWith('https:') ? https : http
  return new Promise((resolve) => {
    const req = lib.get(url, { agent: false, signal }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        if (body.length < 1024) body += chunk
      })
      res.on('error', (error) => resolve(`tessera: ${error.message}`))
      res.on('end', () => {
        const status = res.statusCode ?? 0
        if (status !== 200) resolve(`tessera: HTTP ${status}`)
        else
          resolve(body.trim() === TESSERA_UP ? undefined : `tessera: ${body.trim().slice(0, 60)}`)
      })
    })
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve(`tessera: ${error.code ?? error.message}`),
    )
  })
}
