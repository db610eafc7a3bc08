/**
 * dapp-ethers: the token dApp of token-dapp.ts on three replicas of one chain, with the replica
 * in use killed half-way through. Run: `pnpm --filter @steadfast/example-dapp-ethers start`.
 *
 * The migration is one line:
 *
 *   - const provider = new JsonRpcProvider(url, chainId)
 *   + const provider = new FailoverProvider([url1, url2, url3], chainId)
 */
import { FailoverProvider } from '@steadfast/ethers'
import { startEvmReplicaSet } from '@steadfast/testkit'
import { runTokenDapp } from './token-dapp.js'

const chain = await startEvmReplicaSet({ replicas: 3 })
try {
  // The one changed line (was: new JsonRpcProvider(chain.urls[0], chain.chainId, options)).
  // cacheTimeout -1: ethers reuses an identical call's answer for 250 ms by default, so on an
  // instamining dev chain back-to-back sends reuse a stale pending nonce ("the tx doesn't have the
  // correct nonce"), through plain JsonRpcProvider too; the options carry over unchanged.
  const options = { pollingInterval: 500, cacheTimeout: -1 }
  const provider = new FailoverProvider([...chain.urls], chain.chainId, options)

  const transfers = 10
  const result = await runTokenDapp(
    provider,
    chain.accounts[0]!.privateKey,
    transfers,
    async (i) => {
      if (i === transfers / 2) {
        const inUse = provider.endpointSet.current()?.index ?? 0
        await chain.replicas[inUse]!.kill()
        console.log(`killed replica ${inUse + 1}: the dApp carries on`)
      }
    },
  )
  provider.destroy()

  const ok = result.eventsSeen === transfers && result.balanceOk
  console.log(
    `${result.eventsSeen}/${transfers} Transfer events, balance ${result.balanceOk ? 'exact' : 'WRONG'}`,
  )
  console.log(ok ? 'dapp-ethers: OK' : 'dapp-ethers: FAILED')
  process.exitCode = ok ? 0 : 1
} finally {
  await chain.close()
}
