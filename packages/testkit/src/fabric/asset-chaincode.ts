import { TestkitError } from '../process/testkit-error.js'

/** What a chaincode sees of the ledger during a simulation. */
export interface ChaincodeStub {
  getState(key: string): Buffer | undefined
  putState(key: string, value: Buffer): void
  delState(key: string): void
  /** All keys with values, in order (a full range query). */
  getAllKeys(): string[]
  setEvent(name: string, payload: Buffer): void
}

/** A chaincode failure (code `CHAINCODE_ERROR`): the peer answers `chaincode response 500, <message>`. */
export class ChaincodeError extends TestkitError {
  constructor(message: string) {
    super('CHAINCODE_ERROR', message)
    this.name = 'ChaincodeError'
  }
}

/** A chaincode: invoke one function with string arguments, return the response payload. */
export type Chaincode = (stub: ChaincodeStub, fn: string, args: readonly string[]) => Buffer

interface Asset {
  AppraisedValue: number
  Color: string
  ID: string
  Owner: string
  Size: number
}

// Keys sorted alphabetically, as fabric-samples' asset-transfer-basic serialises its JSON.
function toJson(asset: Asset): Buffer {
  const { AppraisedValue, Color, ID, Owner, Size } = asset
  return Buffer.from(JSON.stringify({ AppraisedValue, Color, ID, Owner, Size }))
}

function expectArgs(args: readonly string[], count: number): void {
  if (args.length !== count) {
    throw new ChaincodeError(`Expected ${count} parameters, but ${args.length} have been supplied`)
  }
}

function readAsset(stub: ChaincodeStub, id: string): Asset {
  const bytes = stub.getState(id)
  if (bytes === undefined || bytes.length === 0)
    throw new ChaincodeError(`The asset ${id} does not exist`)
  return JSON.parse(bytes.toString('utf8')) as Asset
}

function assetFromArgs(args: readonly string[]): Asset {
  const [ID = '', Color = '', size = '', Owner = '', value = ''] = args
  return { ID, Color, Size: Number(size), Owner, AppraisedValue: Number(value) }
}

function putAsset(stub: ChaincodeStub, asset: Asset, event: string): Buffer {
  const json = toJson(asset)
  stub.putState(asset.ID, json)
  stub.setEvent(event, json)
  return json
}

const functions: Record<string, (stub: ChaincodeStub, args: readonly string[]) => Buffer> = {
  InitLedger: (stub) => {
    const owners = ['Tomoko', 'Brad', 'Jin Soo', 'Max', 'Adriana', 'Michel']
    const colors = ['blue', 'red', 'green', 'yellow', 'black', 'white']
    owners.forEach((Owner, i) => {
      const asset = {
        ID: `asset${i + 1}`,
        Color: colors[i] ?? 'blue',
        Size: 5 + 5 * i,
        Owner,
        AppraisedValue: 300 + 100 * i,
      }
      stub.putState(asset.ID, toJson(asset))
    })
    return Buffer.alloc(0)
  },
  CreateAsset: (stub, args) => {
    expectArgs(args, 5)
    const asset = assetFromArgs(args)
    if (stub.getState(asset.ID) !== undefined)
      throw new ChaincodeError(`The asset ${asset.ID} already exists`)
    return putAsset(stub, asset, 'CreateAsset')
  },
  ReadAsset: (stub, args) => {
    expectArgs(args, 1)
    return toJson(readAsset(stub, args[0] ?? ''))
  },
  UpdateAsset: (stub, args) => {
    expectArgs(args, 5)
    const asset = assetFromArgs(args)
    readAsset(stub, asset.ID)
    return putAsset(stub, asset, 'UpdateAsset')
  },
  DeleteAsset: (stub, args) => {
    expectArgs(args, 1)
    const asset = readAsset(stub, args[0] ?? '')
    stub.delState(asset.ID)
    stub.setEvent('DeleteAsset', toJson(asset))
    return Buffer.alloc(0)
  },
  AssetExists: (stub, args) => {
    expectArgs(args, 1)
    const bytes = stub.getState(args[0] ?? '')
    return Buffer.from(String(bytes !== undefined && bytes.length > 0))
  },
  TransferAsset: (stub, args) => {
    expectArgs(args, 2)
    const asset = readAsset(stub, args[0] ?? '')
    const oldOwner = asset.Owner
    putAsset(stub, { ...asset, Owner: args[1] ?? '' }, 'TransferAsset')
    return Buffer.from(oldOwner)
  },
  GetAllAssets: (stub) => {
    const assets = stub
      .getAllKeys()
      .map((key) => JSON.parse((stub.getState(key) ?? Buffer.from('null')).toString('utf8')))
    return Buffer.from(JSON.stringify(assets))
  },
}

/** The asset-transfer 'basic' chaincode of fabric-samples, in memory, emitting an event per change. */
export const assetChaincode: Chaincode = (stub, fn, args) => {
  const implementation = functions[fn]
  if (implementation === undefined) {
    throw new ChaincodeError(`You've asked to invoke a function that does not exist: ${fn}`)
  }
  return implementation(stub, args)
}
