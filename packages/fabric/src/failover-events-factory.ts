import type { ChaincodeEvent, EventsOptions } from '@hyperledger/fabric-gateway'
import type { BlockEventKind } from './block-event-kinds.js'
import { BlockCursor, ChaincodeEventCursor } from './event-cursor.js'
import { FailoverEventsRequest } from './failover-events-request.js'
import type { FailoverRuntime } from './failover-runtime.js'

/** A chaincode events request built here: each reopening signs a request at the checkpoint. */
export function chaincodeEventsRequest(
  runtime: FailoverRuntime,
  channelName: string,
  chaincodeName: string,
  options: EventsOptions,
): FailoverEventsRequest<ChaincodeEvent> {
  return new FailoverEventsRequest(runtime, {
    offline: runtime.builder
      .getNetwork(channelName)
      .newChaincodeEventsRequest(chaincodeName, options),
    cursor: () => new ChaincodeEventCursor(options),
    opener: (gw, position, callOptions) =>
      gw
        .getNetwork(channelName)
        .newChaincodeEventsRequest(chaincodeName, position)
        .getEvents(callOptions),
    channelName,
    defaults: runtime.defaults.chaincodeEventsOptions,
  })
}

/** A chaincode events request from application-signed bytes: re-sent as is on each reopening. */
export function signedChaincodeEventsRequest(
  runtime: FailoverRuntime,
  bytes: Uint8Array,
  signature: Uint8Array | undefined,
): FailoverEventsRequest<ChaincodeEvent> {
  return new FailoverEventsRequest(runtime, {
    offline: runtime.builder.newChaincodeEventsRequest(bytes),
    cursor: () => new ChaincodeEventCursor(),
    opener: (gw, _position, callOptions) =>
      (signature
        ? gw.newSignedChaincodeEventsRequest(bytes, signature)
        : gw.newChaincodeEventsRequest(bytes)
      ).getEvents(callOptions),
    channelName: undefined,
    defaults: runtime.defaults.chaincodeEventsOptions,
  })
}

/** A block events request built here (full, filtered or with private data). */
export function blockEventsRequest<T>(
  runtime: FailoverRuntime,
  kind: BlockEventKind<T>,
  channelName: string,
  options: EventsOptions,
): FailoverEventsRequest<T> {
  return new FailoverEventsRequest(runtime, {
    offline: kind.request(runtime.builder.getNetwork(channelName), options),
    cursor: () => new BlockCursor(kind.numberOf, options),
    opener: (gw, position, callOptions) =>
      kind.request(gw.getNetwork(channelName), position).getEvents(callOptions),
    channelName,
    defaults: runtime.defaults[kind.defaultsKey],
  })
}

/** A block events request from application-signed bytes: re-sent as is on each reopening. */
export function signedBlockEventsRequest<T>(
  runtime: FailoverRuntime,
  kind: BlockEventKind<T>,
  bytes: Uint8Array,
  signature: Uint8Array | undefined,
): FailoverEventsRequest<T> {
  return new FailoverEventsRequest(runtime, {
    offline: kind.fromBytes(runtime.builder, bytes),
    cursor: () => new BlockCursor(kind.numberOf),
    opener: (gw, _position, callOptions) =>
      kind.fromBytes(gw, bytes, signature).getEvents(callOptions),
    channelName: undefined,
    defaults: runtime.defaults[kind.defaultsKey],
  })
}
