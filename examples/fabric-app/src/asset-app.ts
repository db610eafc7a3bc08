import type { Gateway } from '@hyperledger/fabric-gateway'

export interface AssetAppResult {
  committed: number
  eventsSeen: number
  ownerOk: boolean
}

/**
 * The application part of fabric-samples' asset-transfer-basic client, unchanged by the
 * migration: it only sees a fabric-gateway `Gateway`. Creates an asset, transfers it `transfers`
 * times with a chaincode-event listener running, and reads it back. `between(i)` runs after
 * transfer i (the runner breaks a peer there).
 */
export async function runAssetApp(
  gateway: Gateway,
  transfers: number,
  between: (i: number) => Promise<void> = async () => {},
): Promise<AssetAppResult> {
  const network = gateway.getNetwork('mychannel')
  const contract = network.getContract('basic')
  const events = await network.getChaincodeEvents('basic')
  const seen = new Set<string>()
  const listening = (async () => {
    try {
      for await (const e of events) seen.add(e.transactionId)
    } catch {
      // closed below
    }
  })()

  const id = `asset-${Date.now()}`
  const committed = new Set<string>()
  const submit = async (fn: string, ...args: string[]) => {
    const tx = await contract.submitAsync(fn, { arguments: args })
    const status = await tx.getStatus()
    if (!status.successful) throw new Error(`${fn} failed with code ${status.code}`)
    committed.add(status.transactionId)
    console.log(
      `${fn} ${status.transactionId.slice(0, 12)}… committed in block ${status.blockNumber}`,
    )
  }

  await submit('CreateAsset', id, 'yellow', '5', 'Tom', '1300')
  const owners = ['Saptha', 'Brad', 'Jin Soo', 'Max']
  for (let i = 1; i <= transfers; i++) {
    await submit('TransferAsset', id, owners[i % owners.length]!)
    await between(i)
  }

  for (let t = 0; t < 100 && [...committed].some((tx) => !seen.has(tx)); t++) {
    await new Promise((r) => setTimeout(r, 100))
  }
  events.close()
  await listening
  const asset = JSON.parse(
    Buffer.from(await contract.evaluateTransaction('ReadAsset', id)).toString(),
  )
  return {
    committed: committed.size,
    eventsSeen: [...committed].filter((tx) => seen.has(tx)).length,
    ownerOk: asset.Owner === owners[transfers % owners.length],
  }
}
