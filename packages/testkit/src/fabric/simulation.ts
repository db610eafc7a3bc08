import { ledger, peer } from '@hyperledger/fabric-protos'
import { type Chaincode, ChaincodeError, type ChaincodeStub } from './asset-chaincode.js'
import type { KeyVersion, WorldState } from './world-state.js'

const { kvrwset } = ledger.rwset

/** A chaincode simulation: its response, read/write set and event, as an endorser produces them. */
export interface Simulation {
  /** 200 on success, 500 on a chaincode error. */
  readonly status: number
  readonly message: string
  readonly payload: Buffer
  /** Serialized ledger.rwset.TxReadWriteSet. */
  readonly results: Uint8Array
  readonly event: peer.ChaincodeEvent | undefined
}

/** What a simulation needs to know about the transaction and the peer. */
export interface SimulationInput {
  readonly state: WorldState
  /** The simulating peer's ledger height: it reads the state committed below it. */
  readonly height: number
  readonly chaincode: Chaincode
  readonly chaincodeName: string
  readonly transactionId: string
  readonly functionName: string
  readonly args: readonly string[]
}

function toRwset(
  namespace: string,
  reads: Map<string, KeyVersion | undefined>,
  writes: Map<string, Buffer | undefined>,
): Uint8Array {
  const set = new kvrwset.KVRWSet()
  set.setReadsList(
    [...reads].map(([key, version]) => {
      const read = new kvrwset.KVRead()
      read.setKey(key)
      if (version !== undefined) {
        const v = new kvrwset.Version()
        v.setBlockNum(version.block)
        v.setTxNum(version.tx)
        read.setVersion(v)
      }
      return read
    }),
  )
  set.setWritesList(
    [...writes].map(([key, value]) => {
      const write = new kvrwset.KVWrite()
      write.setKey(key)
      write.setIsDelete(value === undefined)
      if (value !== undefined) write.setValue(value)
      return write
    }),
  )
  const ns = new ledger.rwset.NsReadWriteSet()
  ns.setNamespace(namespace)
  ns.setRwset(set.serializeBinary())
  const tx = new ledger.rwset.TxReadWriteSet()
  tx.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV)
  tx.setNsRwsetList([ns])
  return tx.serializeBinary()
}

/** Runs the chaincode against the state at the peer's height, recording read versions and writes. */
export function simulate(input: SimulationInput): Simulation {
  const reads = new Map<string, KeyVersion | undefined>()
  const writes = new Map<string, Buffer | undefined>()
  let event: peer.ChaincodeEvent | undefined
  // Like Fabric, reads see committed state only, never the transaction's own writes.
  const stub: ChaincodeStub = {
    getState: (key) => {
      const { value, version } = input.state.read(key, input.height)
      if (!reads.has(key)) reads.set(key, version)
      return value
    },
    putState: (key, value) => void writes.set(key, value),
    delState: (key) => void writes.set(key, undefined),
    getAllKeys: () => input.state.keys(input.height),
    setEvent: (name, payload) => {
      event = new peer.ChaincodeEvent()
      event.setChaincodeId(input.chaincodeName)
      event.setTxId(input.transactionId)
      event.setEventName(name)
      event.setPayload(payload)
    },
  }
  try {
    const payload = input.chaincode(stub, input.functionName, input.args)
    return {
      status: 200,
      message: '',
      payload,
      results: toRwset(input.chaincodeName, reads, writes),
      event,
    }
  } catch (err) {
    const message =
      err instanceof ChaincodeError ? err.message : `chaincode stream terminated: ${String(err)}`
    return {
      status: 500,
      message,
      payload: Buffer.alloc(0),
      results: new Uint8Array(),
      event: undefined,
    }
  }
}

/** The reads and writes of a committed transaction's rwset, for MVCC validation and commit. */
export function readWriteSet(results: Uint8Array): {
  reads: Array<[string, KeyVersion | undefined]>
  writes: Array<[string, Buffer | undefined]>
} {
  const reads: Array<[string, KeyVersion | undefined]> = []
  const writes: Array<[string, Buffer | undefined]> = []
  for (const ns of ledger.rwset.TxReadWriteSet.deserializeBinary(results).getNsRwsetList()) {
    const set = kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8())
    for (const read of set.getReadsList()) {
      const v = read.getVersion()
      reads.push([
        read.getKey(),
        v === undefined ? undefined : { block: v.getBlockNum(), tx: v.getTxNum() },
      ])
    }
    for (const write of set.getWritesList()) {
      writes.push([
        write.getKey(),
        write.getIsDelete() ? undefined : Buffer.from(write.getValue_asU8()),
      ])
    }
  }
  return { reads, writes }
}
