import { demoTokenAbi, demoTokenBytecode } from '@steadfast/example-demo/contracts'
import {
  type AbstractProvider,
  type Contract,
  ContractFactory,
  type EventLog,
  Wallet,
} from 'ethers'

export interface TokenDappResult {
  transfers: number
  eventsSeen: number
  balanceOk: boolean
}

/**
 * An ordinary ethers v6 dApp: nothing here knows about Steadfast. It deploys a token, listens to
 * its Transfer events, sends `transfers` transfers and checks the recipient's balance.
 * `between(i)` runs after transfer i (the runner breaks a replica there).
 */
export async function runTokenDapp(
  provider: AbstractProvider,
  privateKey: string,
  transfers: number,
  between: (i: number) => Promise<void> = async () => {},
): Promise<TokenDappResult> {
  const wallet = new Wallet(privateKey, provider)
  const factory = new ContractFactory(demoTokenAbi, demoTokenBytecode, wallet)
  const token = (await (await factory.deploy(10n ** 24n)).waitForDeployment()) as Contract
  console.log(`token deployed at ${await token.getAddress()}`)

  const recipient = Wallet.createRandom().address
  const seen = new Set<string>()
  await token.on('Transfer', (_from: string, to: string, _value: bigint, e: { log: EventLog }) => {
    if (to === recipient) seen.add(e.log.transactionHash)
  })

  for (let i = 1; i <= transfers; i++) {
    const tx = await token.getFunction('transfer')(recipient, 100n)
    const receipt = await tx.wait()
    console.log(`transfer ${i}/${transfers} mined in block ${receipt?.blockNumber}`)
    await between(i)
  }

  // Events arrive on the provider's polling interval; give the listener a few seconds.
  for (let t = 0; t < 100 && seen.size < transfers; t++)
    await new Promise((r) => setTimeout(r, 100))
  await token.removeAllListeners()
  const balance = (await token.getFunction('balanceOf')(recipient)) as bigint
  return { transfers, eventsSeen: seen.size, balanceOk: balance === 100n * BigInt(transfers) }
}
