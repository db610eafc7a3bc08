import { createRequire } from 'node:module'
import { Metadata, type ServiceError, status } from '@grpc/grpc-js'
import { gateway, google } from '@hyperledger/fabric-protos'

// google-protobuf ships no types; fabric-protos' Status wants its Any class (one shared copy).
const { Any } = createRequire(import.meta.url)('google-protobuf/google/protobuf/any_pb.js') as {
  Any: new () => { pack(bytes: Uint8Array, typeName: string): void }
}

/** Which peer an error detail names: its endpoint address and MSP id. */
export interface ErrorEndpoint {
  readonly address: string
  readonly mspId: string
}

/**
 * A gRPC status a real Fabric gateway answers with, carrying `gateway.ErrorDetail`s in the
 * `grpc-status-details-bin` trailer (fabric-gateway exposes them as `GatewayError.details`).
 */
export class GatewayStatusError extends Error {
  override readonly name = 'GatewayStatusError'
  readonly code: status
  readonly details: ReadonlyArray<{ endpoint: ErrorEndpoint; message: string }>

  constructor(
    code: status,
    message: string,
    details: ReadonlyArray<{ endpoint: ErrorEndpoint; message: string }> = [],
  ) {
    super(message)
    this.code = code
    this.details = details
  }
}

/** Converts any handler failure into the ServiceError grpc-js sends as status and trailers. */
export function toServiceError(err: unknown): Partial<ServiceError> {
  const failure =
    err instanceof GatewayStatusError
      ? err
      : new GatewayStatusError(status.INTERNAL, `test peer failure: ${String(err)}`)
  const rpcStatus = new google.rpc.Status()
  rpcStatus.setCode(failure.code)
  rpcStatus.setMessage(failure.message)
  rpcStatus.setDetailsList(
    failure.details.map(({ endpoint, message }) => {
      const detail = new gateway.ErrorDetail()
      detail.setAddress(endpoint.address)
      detail.setMspId(endpoint.mspId)
      detail.setMessage(message)
      const any = new Any()
      any.pack(detail.serializeBinary(), 'gateway.ErrorDetail')
      return any
    }),
  )
  const metadata = new Metadata()
  metadata.set('grpc-status-details-bin', Buffer.from(rpcStatus.serializeBinary()))
  return { code: failure.code, details: failure.message, metadata }
}
